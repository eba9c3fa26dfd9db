import { writeFile } from 'node:fs/promises';
import type { Failure } from '../../../shared/activation';
import { makeError, type CidDeskError, type Result } from '../../../shared/errors';
import type { HistoryStore } from '../../history/history-store';
import { historyToCsv } from '../../history/history-csv';
import type { Handlers } from './ipc-main';

export interface HistoryHandlerDeps {
  history: { open(): Promise<Result<HistoryStore>> };
  /** Asks the user where to save a file; null when they cancel. */
  chooseSavePath(defaultName: string): Promise<string | null>;
  now?: () => Date;
}

type HistoryHandlers = Pick<Handlers, 'history:list' | 'history:delete' | 'history:export'>;

/** Writes a CSV file the way spreadsheets open it as UTF-8: with a byte-order mark. */
export async function writeCsvFile(path: string, csv: string): Promise<Result<string>> {
  try {
    await writeFile(path, `\ufeff${csv}`, 'utf8');
    return { ok: true, value: path };
  } catch (error) {
    return {
      ok: false,
      error: makeError(
        'storage',
        `The file could not be written: ${(error as Error).message}`,
        'Choose another folder, or check that the file is not open in another program.',
      ),
    };
  }
}

function failure(error: CidDeskError): Failure {
  return { ok: false, error };
}

/** The window's view of the history: list and search, delete an entry, export to CSV. */
export function createHistoryHandlers(deps: HistoryHandlerDeps): HistoryHandlers {
  const now = deps.now ?? (() => new Date());

  /** The store with what other processes (the CLI) appended since the last look. */
  async function current(): Promise<Result<HistoryStore>> {
    const store = await deps.history.open();
    if (!store.ok) return store;
    const fresh = await store.value.refresh();
    return fresh.ok ? store : fresh;
  }

  return {
    'history:list': async ({ query, limit, offset }) => {
      const store = await current();
      if (!store.ok) return failure(store.error);
      const page = store.value.list({ query, limit, offset });
      return { ok: true, total: page.total, entries: page.entries };
    },
    'history:delete': async ({ id }) => {
      const store = await current();
      if (!store.ok) return failure(store.error);
      if (store.value.get(id) === undefined) {
        return failure(
          makeError(
            'invalid-input',
            'That entry is no longer in the history.',
            'Refresh the list.',
          ),
        );
      }
      const deleted = await store.value.delete(id);
      return deleted.ok ? { ok: true } : failure(deleted.error);
    },
    'history:export': async ({ query }) => {
      const store = await current();
      if (!store.ok) return failure(store.error);
      const path = await deps.chooseSavePath(
        `cid-desk-history-${now().toISOString().slice(0, 10)}.csv`,
      );
      if (path === null) return { ok: true, path: null };
      const { entries } = store.value.list({ query });
      const written = await writeCsvFile(path, historyToCsv(entries));
      return written.ok ? { ok: true, path } : failure(written.error);
    },
  };
}
