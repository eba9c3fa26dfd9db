import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CidOutcome } from '../../../shared/activation';
import type { BatchProgress } from '../../../shared/batch';
import { DEFAULT_SETTINGS } from '../../../shared/settings';
import { SAMPLE_BLOCKED, SAMPLE_SUCCESS } from '../../../shared/protocol-samples';
import {
  createActivationService,
  type ActivationService,
  type GetCidInput,
} from '../../activation/activation-service';
import { decodeTextFile, MAX_BATCH_FILE_BYTES } from '../../batch/iid-list-file';
import { createBatchHandlers } from './batch-handlers';
import { lazyHistory } from '../../history/history-access';
import { startSimulator, type Simulator } from '../../simulator/simulator';
import { deriveIid } from '../../simulator/simulator-scenarios';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'cid-desk-batch-handlers-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function setup(options: { open?: string | null; save?: string | null; gate?: Promise<void> } = {}) {
  const calls: GetCidInput[] = [];
  const events: BatchProgress[] = [];
  const service: ActivationService = {
    getCid: async (input) => {
      calls.push(input);
      if (options.gate) {
        await Promise.race([
          options.gate,
          new Promise<void>((resolve) => input.signal?.addEventListener('abort', () => resolve())),
        ]);
      }
      if (input.signal?.aborted) {
        return {
          ok: false,
          error: { kind: 'network', cause: 'cancelled', code: null, message: 'x', advice: 'y' },
        } satisfies CidOutcome;
      }
      return {
        ok: true,
        iid: input.iid,
        pid: 'p',
        cid: SAMPLE_SUCCESS.cid,
        groups: SAMPLE_SUCCESS.cid.match(/.{6}/g)!,
        fromHistory: false,
        obtainedAt: '2026-11-27T09:30:00.000Z',
      };
    },
    getRemaining: async () => ({ ok: true, pid: 'p', remaining: 1 }),
    pending: () => 0,
    idle: async () => {},
  };
  const { handlers, cancelAll } = createBatchHandlers({
    settings: { get: async () => ({ ...DEFAULT_SETTINGS, pid: null }) },
    getService: () => service,
    chooseOpenPath: async () => options.open ?? null,
    chooseSavePath: async () => options.save ?? null,
    emit: (progress) => events.push(progress),
    concurrency: 1,
    now: () => new Date('2026-11-27T10:00:00Z'),
  });
  return { handlers, cancelAll, calls, events };
}

/** Lets pending promise callbacks run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

/** `text` as Windows saves it: UTF-16 with a byte order mark, in either byte order. */
function utf16(text: string, order: 'le' | 'be'): Buffer {
  const bytes = Buffer.from(`\ufeff${text}`, 'utf16le');
  return order === 'le' ? bytes : bytes.swap16();
}

describe('batch handlers', () => {
  it('reads the text file the user chose', async () => {
    const file = path.join(dir, 'ids.txt');
    await writeFile(file, `${SAMPLE_SUCCESS.iid}\n`);
    const { handlers } = setup({ open: file });
    expect(await handlers['batch:open-file']({})).toEqual({
      ok: true,
      file: { name: 'ids.txt', text: `${SAMPLE_SUCCESS.iid}\n` },
    });
  });

  it('refuses a file that is too large or not text, and a cancelled dialog opens nothing', async () => {
    const big = path.join(dir, 'big.csv');
    await writeFile(big, Buffer.alloc(MAX_BATCH_FILE_BYTES + 1, 0x31));
    expect(await setup({ open: big }).handlers['batch:open-file']({})).toMatchObject({
      ok: false,
      error: { kind: 'invalid-input' },
    });
    const binary = path.join(dir, 'image.txt');
    await writeFile(binary, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0]));
    expect(await setup({ open: binary }).handlers['batch:open-file']({})).toMatchObject({
      ok: false,
      error: { message: 'image.txt is not a text file.' },
    });
    expect(await setup({ open: null }).handlers['batch:open-file']({})).toEqual({
      ok: true,
      file: null,
    });
  });

  it('decodes UTF-16 with a byte order mark, either byte order, and drops a UTF-8 byte order mark', () => {
    const text = `${SAMPLE_SUCCESS.iid}\r\n${SAMPLE_BLOCKED.iid}\r\n`;
    expect(decodeTextFile(utf16(text, 'le'))).toBe(text);
    expect(decodeTextFile(utf16(text, 'be'))).toBe(text);
    expect(decodeTextFile(Buffer.from([0xef, 0xbb, 0xbf, 0x31, 0x32]))).toBe('12');
    expect(decodeTextFile(Buffer.from('12\n', 'utf8'))).toBe('12\n');
    // The first bytes of a UTF-16LE file as PowerShell 5.1 writes it: FF FE, then '1', 0.
    expect(utf16('1', 'le')).toEqual(Buffer.from([0xff, 0xfe, 0x31, 0x00]));
    expect(utf16('1', 'be')).toEqual(Buffer.from([0xfe, 0xff, 0x00, 0x31]));
  });

  it.each([
    ['UTF-16LE', (text: string) => utf16(text, 'le')],
    ['UTF-16BE', (text: string) => utf16(text, 'be')],
    ['UTF-8 with a byte order mark', (text: string) => Buffer.from(`\ufeff${text}`, 'utf8')],
  ])('reads a list saved as %s', async (_name, encode) => {
    const text = `${SAMPLE_SUCCESS.iid}\r\n${SAMPLE_BLOCKED.iid}\r\n`;
    const file = path.join(dir, 'list.txt');
    await writeFile(file, encode(text));
    expect(await setup({ open: file }).handlers['batch:open-file']({})).toEqual({
      ok: true,
      file: { name: 'list.txt', text },
    });
  });

  it('still refuses a UTF-16 file whose text holds NUL characters', async () => {
    const file = path.join(dir, 'odd.txt');
    await writeFile(file, utf16('12\u000034', 'le'));
    expect(await setup({ open: file }).handlers['batch:open-file']({})).toMatchObject({
      ok: false,
      error: { message: 'odd.txt is not a text file.' },
    });
  });

  it('runs every IID with the settings PID, emits progress under its batchId, and exports the rows', async () => {
    const target = path.join(dir, 'out.csv');
    const { handlers, calls, events } = setup({ save: target });
    const result = await handlers['batch:run']({
      batchId: 'b-1',
      iids: [SAMPLE_SUCCESS.iid, SAMPLE_BLOCKED.iid],
      force: false,
    });
    expect(result).toEqual({
      ok: true,
      summary: { total: 2, obtained: 2, fromHistory: 0, failed: 0, cancelled: 0, duplicates: 0 },
    });
    expect(calls.map((c) => [c.iid, c.pid, c.force])).toEqual([
      [SAMPLE_SUCCESS.iid, null, false],
      [SAMPLE_BLOCKED.iid, null, false],
    ]);
    expect(events.every((e) => e.batchId === 'b-1')).toBe(true);
    expect(events.at(-1)).toMatchObject({ status: 'done', finished: 2, total: 2 });
    expect(await handlers['batch:export']({ batchId: 'b-1' })).toEqual({ ok: true, path: target });
    const csv = await readFile(target, 'utf8');
    expect(csv.startsWith('\ufeff')).toBe(true);
    expect(csv.trimEnd().split('\r\n')).toHaveLength(3);
  });

  it('never runs one batchId twice', async () => {
    const { handlers, calls } = setup();
    await handlers['batch:run']({ batchId: 'b-2', iids: [SAMPLE_SUCCESS.iid], force: false });
    const again = await handlers['batch:run']({
      batchId: 'b-2',
      iids: [SAMPLE_SUCCESS.iid],
      force: false,
    });
    expect(again).toMatchObject({ ok: false, error: { kind: 'invalid-input' } });
    expect(calls).toHaveLength(1);
  });

  it('cancels a running batch: rows not started are not sent', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { handlers, calls } = setup({ gate });
    const running = handlers['batch:run']({
      batchId: 'b-3',
      iids: [SAMPLE_SUCCESS.iid, SAMPLE_BLOCKED.iid],
      force: true,
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(await handlers['batch:cancel']({ batchId: 'b-3' })).toBe(true);
    release();
    const result = await running;
    expect(result).toMatchObject({ ok: true, summary: { total: 2, cancelled: 1 } });
    expect(calls).toHaveLength(1);
    expect(calls[0]!.force).toBe(true);
    expect(await handlers['batch:cancel']({ batchId: 'b-3' })).toBe(false);
  });

  it('cancels every running batch at once, and none after they end', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { handlers, cancelAll, calls } = setup({ gate });
    expect(cancelAll()).toBe(0);
    const first = handlers['batch:run']({
      batchId: 'b-4',
      iids: [SAMPLE_SUCCESS.iid, SAMPLE_BLOCKED.iid],
      force: false,
    });
    const second = handlers['batch:run']({
      batchId: 'b-5',
      iids: [deriveIid('second batch 1'), deriveIid('second batch 2')],
      force: false,
    });
    await settle();
    expect(calls).toHaveLength(2);
    expect(cancelAll()).toBe(2);
    release();
    expect(await first).toMatchObject({ ok: true, summary: { total: 2, cancelled: 1 } });
    expect(await second).toMatchObject({ ok: true, summary: { total: 2, cancelled: 1 } });
    expect(calls).toHaveLength(2);
    expect(cancelAll()).toBe(0);
  });

  it('sends nothing for a batch cancelled before its settings were read', async () => {
    const { handlers, cancelAll, calls } = setup();
    const running = handlers['batch:run']({
      batchId: 'b-6',
      iids: [SAMPLE_SUCCESS.iid],
      force: false,
    });
    expect(cancelAll()).toBe(1);
    expect(await running).toMatchObject({ ok: true, summary: { total: 1, cancelled: 1 } });
    expect(calls).toHaveLength(0);
  });
});

describe('cancelling every batch against the local simulator', () => {
  let sim: Simulator;
  beforeAll(async () => {
    // It stands in for Microsoft, so that its CIDs answer the next batch from the history.
    sim = await startSimulator({ builtIns: false, identify: false });
  });
  afterAll(async () => {
    await sim.close();
  });

  it('sends no further request, and still records the answers already on their way', async () => {
    const iids = Array.from({ length: 40 }, (_, i) => deriveIid(`cancel all ${i}`));
    for (const iid of iids) sim.setScenario({ iid }, { kind: 'slow', delayMs: 800 });
    const service = createActivationService({
      fetch,
      endpoint: new URL(sim.url),
      timeoutMs: 10_000,
      history: lazyHistory(dir).as('service'),
    });
    const { handlers, cancelAll } = createBatchHandlers({
      settings: { get: async () => ({ ...DEFAULT_SETTINGS, pid: null }) },
      getService: () => service,
      chooseOpenPath: async () => null,
      chooseSavePath: async () => null,
      emit: () => {},
      concurrency: 4,
    });
    const running = handlers['batch:run']({ batchId: 'big', iids, force: false });
    while (sim.requestCount < 4) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(cancelAll()).toBe(1);
    const result = await running;
    expect(result).toMatchObject({
      ok: true,
      summary: { total: 40, obtained: 0, failed: 4, cancelled: 36 },
    });

    // The four requests sent run on to their answers, and nothing else goes out.
    expect(service.pending()).toBe(4);
    await service.idle();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(sim.requestCount).toBe(4);
    const sent = iids.slice(0, 4);
    expect(new Set(sim.requests.map((request) => request.iid))).toEqual(new Set(sent));

    // Their CIDs were recorded: asking again answers from the history, without a request.
    const again = await handlers['batch:run']({ batchId: 'again', iids: sent, force: false });
    expect(again).toMatchObject({ ok: true, summary: { total: 4, fromHistory: 4 } });
    expect(sim.requestCount).toBe(4);
  });
});
