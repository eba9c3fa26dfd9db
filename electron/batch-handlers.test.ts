import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CidOutcome } from '../shared/activation';
import type { BatchProgress } from '../shared/batch';
import { DEFAULT_SETTINGS } from '../shared/settings';
import { SAMPLE_BLOCKED, SAMPLE_SUCCESS } from '../shared/protocol-samples';
import type { ActivationService, GetCidInput } from './activation-service';
import { createBatchHandlers, MAX_BATCH_FILE_BYTES } from './batch-handlers';

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
  const handlers = createBatchHandlers({
    settings: { get: async () => ({ ...DEFAULT_SETTINGS, pid: null }) },
    getService: () => service,
    chooseOpenPath: async () => options.open ?? null,
    chooseSavePath: async () => options.save ?? null,
    emit: (progress) => events.push(progress),
    concurrency: 1,
    now: () => new Date('2026-11-27T10:00:00Z'),
  });
  return { handlers, calls, events };
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
});
