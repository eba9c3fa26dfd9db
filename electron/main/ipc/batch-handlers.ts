import { open } from 'node:fs/promises';
import path from 'node:path';
import type { Failure } from '../../../shared/activation';
import { BATCH_CONCURRENCY } from '../../../shared/batch';
import { makeError } from '../../../shared/errors';
import type { IpcEvents } from '../../../shared/ipc';
import type { Settings } from '../../../shared/settings';
import type { ActivationService } from '../../activation/activation-service';
import { batchRowsToCsv, runBatch, type BatchResult } from '../../batch/batch-runner';
import { iidListText, MAX_BATCH_FILE_BYTES } from '../../batch/iid-list-file';
import { writeCsvFile } from './history-handlers';
import type { Handlers } from './ipc-main';

/** Finished batches kept for export. */
const KEPT_RESULTS = 5;

export interface BatchHandlerDeps {
  settings: { get(): Promise<Settings> };
  getService(settings: Settings): ActivationService | Promise<ActivationService>;
  /** Asks the user for a .txt or .csv file; null when they cancel. */
  chooseOpenPath(): Promise<string | null>;
  chooseSavePath(defaultName: string): Promise<string | null>;
  /** Sends progress to the window. */
  emit(progress: IpcEvents['batch:progress']): void;
  concurrency?: number;
  now?: () => Date;
}

type BatchHandlers = Pick<
  Handlers,
  'batch:open-file' | 'batch:run' | 'batch:cancel' | 'batch:export'
>;

/** The batch handlers, and what main needs when the window closes or the app quits. */
export interface BatchHandlerSet {
  handlers: BatchHandlers;
  /**
   * Cancels every running batch, as 'batch:cancel' does one: rows not yet sent are never sent,
   * and requests already sent are still awaited and recorded by the service. Returns how many
   * batches were running.
   */
  cancelAll(): number;
}

function failure(
  message: string,
  advice: string,
  kind: 'invalid-input' | 'storage' = 'storage',
): Failure {
  return { ok: false, error: makeError(kind, message, advice) };
}

/** Reads at most MAX_BATCH_FILE_BYTES of a text file (UTF-8 or UTF-16), refusing larger ones. */
async function readTextFile(file: string): Promise<{ ok: true; text: string } | Failure> {
  let handle;
  try {
    handle = await open(file, 'r');
    const { size } = await handle.stat();
    if (size > MAX_BATCH_FILE_BYTES) {
      return failure(
        `${path.basename(file)} is ${(size / 1024 / 1024).toFixed(1)} MB; a list of Installation IDs is far smaller.`,
        'Choose the .txt or .csv file that holds the Installation IDs.',
        'invalid-input',
      );
    }
    const text = iidListText(await handle.readFile());
    if (text === undefined) {
      return failure(
        `${path.basename(file)} is not a text file.`,
        'Choose a .txt or .csv file, or paste the Installation IDs instead.',
        'invalid-input',
      );
    }
    return { ok: true, text };
  } catch (error) {
    return failure(
      `${path.basename(file)} could not be read: ${(error as Error).message}`,
      'Check that the file exists and that you may read it.',
    );
  } finally {
    await handle?.close();
  }
}

/** Batch mode for the window: open a file of IIDs, run them a few at a time, cancel, export. */
export function createBatchHandlers(deps: BatchHandlerDeps): BatchHandlerSet {
  const running = new Map<string, AbortController>();
  const results = new Map<string, BatchResult>();
  const now = deps.now ?? (() => new Date());

  const handlers: BatchHandlers = {
    'batch:open-file': async () => {
      const file = await deps.chooseOpenPath();
      if (file === null) return { ok: true, file: null };
      const read = await readTextFile(file);
      return read.ok ? { ok: true, file: { name: path.basename(file), text: read.text } } : read;
    },

    'batch:run': async ({ batchId, iids, force }) => {
      if (running.has(batchId) || results.has(batchId)) {
        return failure(
          `Batch ${batchId} has already been run, so it was not sent a second time.`,
          'Start a new batch.',
          'invalid-input',
        );
      }
      const controller = new AbortController();
      running.set(batchId, controller);
      try {
        const settings = await deps.settings.get();
        const service = await deps.getService(settings);
        const result = await runBatch(iids, {
          concurrency: deps.concurrency ?? BATCH_CONCURRENCY.default,
          signal: controller.signal,
          getCid: (iid, signal) => service.getCid({ iid, pid: settings.pid, force, signal }),
          onProgress: (event) => deps.emit({ batchId, ...event }),
        });
        results.set(batchId, result);
        // Only the latest few are kept for export; older ones were exported or forgotten.
        for (const old of [...results.keys()].slice(0, -KEPT_RESULTS)) results.delete(old);
        return { ok: true, summary: result.summary };
      } finally {
        running.delete(batchId);
      }
    },

    'batch:cancel': async ({ batchId }) => {
      const controller = running.get(batchId);
      if (controller === undefined) return false;
      controller.abort();
      return true;
    },

    'batch:export': async ({ batchId }) => {
      const result = results.get(batchId);
      if (result === undefined) {
        return failure(
          'That batch has no results to export.',
          'Run the batch first.',
          'invalid-input',
        );
      }
      const file = await deps.chooseSavePath(
        `cid-desk-batch-${now().toISOString().slice(0, 10)}.csv`,
      );
      if (file === null) return { ok: true, path: null };
      const written = await writeCsvFile(file, batchRowsToCsv(result));
      return written.ok ? { ok: true, path: file } : { ok: false, error: written.error };
    },
  };

  return {
    handlers,
    cancelAll() {
      const count = running.size;
      for (const controller of running.values()) controller.abort();
      return count;
    },
  };
}
