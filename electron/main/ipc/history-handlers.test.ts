import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_PID } from '../../../shared/pid';
import { SAMPLE_BLOCKED, SAMPLE_SUCCESS } from '../../../shared/protocol-samples';
import { lazyHistory } from '../../history/history-access';
import { createHistoryHandlers } from './history-handlers';
import { HISTORY_FILE_NAME } from '../../history/history-store';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'cid-desk-history-handlers-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function seeded(savePath: string | null = null) {
  const history = lazyHistory(dir, { now: () => new Date('2026-11-27T09:30:00Z') });
  const store = await history.open();
  if (!store.ok) throw new Error(store.error.message);
  await store.value.append({
    type: 'cid',
    iid: SAMPLE_SUCCESS.iid,
    pid: DEFAULT_PID,
    cid: SAMPLE_SUCCESS.cid,
    source: 'service',
  });
  await store.value.append({
    type: 'error',
    iid: SAMPLE_BLOCKED.iid,
    pid: DEFAULT_PID,
    error: { kind: 'service', code: '0x67', message: 'The product key has been blocked.' },
  });
  const handlers = createHistoryHandlers({
    history,
    chooseSavePath: async () => savePath,
    now: () => new Date('2026-11-27T10:00:00Z'),
  });
  return { handlers, store: store.value };
}

describe('history handlers', () => {
  it('lists newest first and searches by CID digits', async () => {
    const { handlers } = await seeded();
    const all = await handlers['history:list']({ query: '', limit: 10, offset: 0 });
    expect(all).toMatchObject({
      ok: true,
      total: 2,
      entries: [{ type: 'error' }, { type: 'cid' }],
    });
    const found = await handlers['history:list']({ query: '062722-477945', limit: 10, offset: 0 });
    expect(found).toMatchObject({ ok: true, total: 1, entries: [{ cid: SAMPLE_SUCCESS.cid }] });
  });

  it('sees what another process (the CLI) appended since the list was last read', async () => {
    const { handlers } = await seeded();
    const other = await lazyHistory(dir).open();
    if (!other.ok) throw new Error(other.error.message);
    await other.value.append({ type: 'remaining', pid: DEFAULT_PID, remaining: 3 });
    const page = await handlers['history:list']({ query: '', limit: 10, offset: 0 });
    expect(page).toMatchObject({ ok: true, total: 3 });
    expect(page.ok && page.entries[0]).toMatchObject({ type: 'remaining', remaining: 3 });
  });

  it('deletes an entry with a tombstone, and refuses an unknown id', async () => {
    const { handlers, store } = await seeded();
    const cid = store.list({ types: ['cid'] }).entries[0]!;
    expect(await handlers['history:delete']({ id: cid.id })).toEqual({ ok: true });
    const page = await handlers['history:list']({ query: '', limit: 10, offset: 0 });
    expect(page.ok && page.entries.map((e) => e.type)).toEqual(['error']);
    const lines = (await readFile(path.join(dir, HISTORY_FILE_NAME), 'utf8')).trim().split('\n');
    expect(JSON.parse(lines.at(-1)!)).toMatchObject({ type: 'delete', target: cid.id });
    expect(await handlers['history:delete']({ id: cid.id })).toMatchObject({
      ok: false,
      error: { kind: 'invalid-input' },
    });
  });

  it('exports the matching entries to the CSV file the user chose, with a byte-order mark', async () => {
    const target = path.join(dir, 'export.csv');
    const { handlers } = await seeded(target);
    expect(await handlers['history:export']({ query: '' })).toEqual({ ok: true, path: target });
    const text = await readFile(target, 'utf8');
    expect(text.startsWith('\ufeff')).toBe(true);
    const rows = text.slice(1).trimEnd().split('\r\n');
    expect(rows).toHaveLength(3);
    expect(rows[2]).toContain('062722-477945-868792-870895-165923-782876-591463-700690');
  });

  it('writes nothing when the user cancels the save dialog', async () => {
    const { handlers } = await seeded(null);
    expect(await handlers['history:export']({ query: '' })).toEqual({ ok: true, path: null });
  });

  it('reports a file it cannot write as a storage failure', async () => {
    const { handlers } = await seeded(path.join(dir, 'missing-folder', 'export.csv'));
    expect(await handlers['history:export']({ query: '' })).toMatchObject({
      ok: false,
      error: { kind: 'storage' },
    });
  });
});
