import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import {
  appendFile,
  mkdir,
  mkdtemp,
  readFile,
  readdir,
  rename,
  rm,
  truncate,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { checkDigitFor } from '../../shared/digits';
import { DEFAULT_PID } from '../../shared/pid';
import { SAMPLE_BLOCKED, SAMPLE_SUCCESS } from '../../shared/protocol-samples';
import { lockPathFor } from '../storage/history-lock';
import {
  HISTORY_FILE_NAME,
  HISTORY_WRITER_LOCK_KEY,
  checkHistoryRecord,
  openHistory,
  type HistoryOptions,
  type HistoryStore,
} from './history-store';
import { bundleHistoryWriter } from '../test-support/history-writer-bundle';

const AT = '2025-03-14T09:26:53.589Z';
const OTHER_PID = '55041-00172-033-600075-03-1033-7601.0000-1412012';

/** A valid ID of `groups` groups of `size` digits, derived from `n` (distinct for n < 10^(size-1)). */
function validId(n: number, groups: number, size: number): string {
  let id = '';
  for (let g = 0; g < groups; g += 1) {
    const payload = String((n * 7919 + g * 104729) % 10 ** (size - 1)).padStart(size - 1, '0');
    id += payload + String(checkDigitFor(payload));
  }
  return id;
}
const iidOf = (n: number) => validId(n, 9, 7);
const cidOf = (n: number) => validId(n, 8, 6);
const uuidOf = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

let dir: string;
let path: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cid-desk-history-'));
  path = join(dir, HISTORY_FILE_NAME);
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Options with a fixed clock and predictable ids, and UTC days so date queries do not depend on the machine. */
function fixed(start = 1): HistoryOptions {
  let n = start;
  return {
    now: () => new Date(AT),
    newId: () => uuidOf(n++),
    localDay: (date) => date.toISOString().slice(0, 10),
  };
}

async function open(options: HistoryOptions = fixed()): Promise<HistoryStore> {
  const store = await openHistory(dir, options);
  if (!store.ok) throw new Error(store.error.message);
  return store.value;
}

function cidLine(n: number, at = AT, iid = iidOf(n), pid = DEFAULT_PID): string {
  return `{"v":1,"id":"${uuidOf(n)}","at":"${at}","type":"cid","iid":"${iid}","pid":"${pid}","cid":"${cidOf(n)}","source":"service"}\n`;
}

describe('the file format', () => {
  it('writes one line per record, in the documented shape', async () => {
    const store = await open();
    await store.append({
      type: 'cid',
      iid: SAMPLE_SUCCESS.iid,
      pid: DEFAULT_PID,
      cid: SAMPLE_SUCCESS.cid,
      source: 'service',
    });
    await store.append({
      type: 'error',
      iid: SAMPLE_BLOCKED.iid,
      pid: DEFAULT_PID,
      error: { kind: 'service', code: '0x67', message: 'The product key has been blocked.' },
    });
    await store.append({
      type: 'error',
      pid: OTHER_PID,
      error: { kind: 'network', code: null, message: 'The connection was reset.' },
      mayHaveReachedService: true,
    });
    await store.append({ type: 'remaining', pid: OTHER_PID, remaining: 5 });

    expect(await readFile(path, 'utf8')).toBe(
      `{"v":1,"id":"${uuidOf(1)}","at":"${AT}","type":"cid","iid":"${SAMPLE_SUCCESS.iid}","pid":"${DEFAULT_PID}","cid":"${SAMPLE_SUCCESS.cid}","source":"service"}\n` +
        `{"v":1,"id":"${uuidOf(2)}","at":"${AT}","type":"error","iid":"${SAMPLE_BLOCKED.iid}","pid":"${DEFAULT_PID}","error":{"kind":"service","code":"0x67","message":"The product key has been blocked."}}\n` +
        `{"v":1,"id":"${uuidOf(3)}","at":"${AT}","type":"error","pid":"${OTHER_PID}","error":{"kind":"network","code":null,"message":"The connection was reset."},"mayHaveReachedService":true}\n` +
        `{"v":1,"id":"${uuidOf(4)}","at":"${AT}","type":"remaining","pid":"${OTHER_PID}","remaining":5}\n`,
    );
  });

  it('keeps where an error or a count came from: written last when given, read back as written', async () => {
    const store = await open();
    await store.append({
      type: 'error',
      iid: SAMPLE_BLOCKED.iid,
      pid: DEFAULT_PID,
      error: { kind: 'service', code: '0x67', message: 'The product key has been blocked.' },
      mayHaveReachedService: false,
      source: 'simulator',
    });
    await store.append({ type: 'remaining', pid: OTHER_PID, remaining: 5, source: 'simulator' });
    await store.append({ type: 'remaining', pid: OTHER_PID, remaining: 4, source: 'service' });
    await store.append({ type: 'remaining', pid: OTHER_PID, remaining: 3 });

    expect(await readFile(path, 'utf8')).toBe(
      `{"v":1,"id":"${uuidOf(1)}","at":"${AT}","type":"error","iid":"${SAMPLE_BLOCKED.iid}","pid":"${DEFAULT_PID}","error":{"kind":"service","code":"0x67","message":"The product key has been blocked."},"mayHaveReachedService":false,"source":"simulator"}\n` +
        `{"v":1,"id":"${uuidOf(2)}","at":"${AT}","type":"remaining","pid":"${OTHER_PID}","remaining":5,"source":"simulator"}\n` +
        `{"v":1,"id":"${uuidOf(3)}","at":"${AT}","type":"remaining","pid":"${OTHER_PID}","remaining":4,"source":"service"}\n` +
        `{"v":1,"id":"${uuidOf(4)}","at":"${AT}","type":"remaining","pid":"${OTHER_PID}","remaining":3}\n`,
    );
    const reopened = await open(fixed(10));
    expect(reopened.loadReport).toEqual({ records: 4, skipped: 0, droppedTailBytes: 0 });
    expect(reopened.get(uuidOf(1))).toEqual({
      v: 1,
      id: uuidOf(1),
      at: AT,
      type: 'error',
      iid: SAMPLE_BLOCKED.iid,
      pid: DEFAULT_PID,
      error: { kind: 'service', code: '0x67', message: 'The product key has been blocked.' },
      mayHaveReachedService: false,
      source: 'simulator',
    });
    expect(reopened.get(uuidOf(2))).toEqual({
      v: 1,
      id: uuidOf(2),
      at: AT,
      type: 'remaining',
      pid: OTHER_PID,
      remaining: 5,
      source: 'simulator',
    });
    expect(reopened.get(uuidOf(3))).toMatchObject({ remaining: 4, source: 'service' });
    // Written before the field existed: no source, which means the service.
    expect(reopened.get(uuidOf(4))).not.toHaveProperty('source');
  });

  it('refuses to write an entry whose fields are not valid', async () => {
    const store = await open();
    const result = await store.append({
      type: 'cid',
      iid: SAMPLE_SUCCESS.iid,
      pid: DEFAULT_PID,
      cid: SAMPLE_SUCCESS.cid.replace(/0$/, '1'),
      source: 'service',
    });
    expect(result).toMatchObject({
      ok: false,
      error: {
        kind: 'invalid-input',
        message:
          'The history entry was not saved because it is not valid ("cid" is not a valid Confirmation ID).',
      },
    });
    expect(await readFile(path, 'utf8')).toBe('');
  });

  it('checks every field of a record', () => {
    const good = JSON.parse(cidLine(1)) as Record<string, unknown>;
    expect(checkHistoryRecord(good)).toEqual({ kind: 'record', record: good });
    // Times as toISOString writes them, or other versions might: real days, any fraction to 1 ns.
    for (const at of [
      '2024-02-29T23:59:59.999Z',
      '2000-02-29T00:00:00Z',
      '2025-12-31T12:30:45.1Z',
      '2025-03-14T09:26:53.123456789Z',
    ]) {
      expect(checkHistoryRecord({ ...good, at }), at).toEqual({
        kind: 'record',
        record: { ...good, at },
      });
    }
    const cases: [unknown, string][] = [
      [{ ...good, v: '1' }, 'has no valid version "v"'],
      [{ ...good, v: 0 }, 'has no valid version "v"'],
      [{ ...good, id: 'not-a-uuid' }, 'has no valid "id"'],
      [{ ...good, at: '2025-02-30T10:00:00.000Z' }, 'has no valid "at" time'],
      [{ ...good, at: '2025-03-14T09:26:53.589+01:00' }, 'has no valid "at" time'],
      [{ ...good, at: '2025-03-14T24:00:00Z' }, 'has no valid "at" time'],
      [{ ...good, at: '2023-02-29T10:00:00Z' }, 'has no valid "at" time'],
      [{ ...good, at: '2100-02-29T10:00:00Z' }, 'has no valid "at" time'],
      [{ ...good, at: '2025-04-31T10:00:00Z' }, 'has no valid "at" time'],
      [{ ...good, at: '2025-00-10T10:00:00Z' }, 'has no valid "at" time'],
      [{ ...good, at: '2025-13-10T10:00:00Z' }, 'has no valid "at" time'],
      [{ ...good, at: '2025-03-00T10:00:00Z' }, 'has no valid "at" time'],
      [{ ...good, at: '2025-03-14T09:60:00Z' }, 'has no valid "at" time'],
      [{ ...good, at: '2025-03-14T09:26:60Z' }, 'has no valid "at" time'],
      [{ ...good, at: '2025-03-14T09:26:53.Z' }, 'has no valid "at" time'],
      [{ ...good, at: '2025-03-14T09:26:53.1234567890Z' }, 'has no valid "at" time'],
      [{ ...good, at: '2025-03-14T09:26:53,589Z' }, 'has no valid "at" time'],
      [{ ...good, at: '2025-03-14T09:2a:53.589Z' }, 'has no valid "at" time'],
      [{ ...good, at: '2025-03-14 09:26:53.589Z' }, 'has no valid "at" time'],
      [{ ...good, at: '+02025-03-14T09:26:53Z' }, 'has no valid "at" time'],
      [{ ...good, type: 7 }, 'has no "type"'],
      [{ ...good, iid: good.iid + '0' }, '"iid" is not a valid Installation ID'],
      [{ ...good, iid: `${iidOf(1).slice(0, 62)}9` }, '"iid" is not a valid Installation ID'],
      [{ ...good, iid: iidOf(1).replace(/^./, '\uff10') }, '"iid" is not a valid Installation ID'],
      [{ ...good, pid: '00000-00138' }, '"pid" is not a valid Extended PID'],
      [{ ...good, cid: cidOf(1).slice(1) }, '"cid" is not a valid Confirmation ID'],
      [{ ...good, cid: Number(cidOf(1)) }, '"cid" is not a valid Confirmation ID'],
      [{ ...good, source: 3 }, 'has no "source"'],
      [
        { v: 1, id: uuidOf(2), at: AT, type: 'remaining', pid: DEFAULT_PID, remaining: 1.5 },
        '"remaining" is not a whole number',
      ],
      [
        {
          v: 1,
          id: uuidOf(2),
          at: AT,
          type: 'error',
          pid: DEFAULT_PID,
          error: { kind: 'service', code: '0x67\n', message: 'x' },
        },
        '"error.code" is not valid',
      ],
      [
        { v: 1, id: uuidOf(2), at: AT, type: 'error', pid: DEFAULT_PID, error: 'boom' },
        '"error" is not an object',
      ],
      [
        {
          v: 1,
          id: uuidOf(2),
          at: AT,
          type: 'error',
          pid: DEFAULT_PID,
          error: { kind: 'network', code: null, message: 'x' },
          source: null,
        },
        '"source" is not text',
      ],
      [
        {
          v: 1,
          id: uuidOf(2),
          at: AT,
          type: 'remaining',
          pid: DEFAULT_PID,
          remaining: 1,
          source: 2,
        },
        '"source" is not text',
      ],
      [{ v: 1, id: uuidOf(2), at: AT, type: 'delete', target: 'x' }, '"target" is not a valid id'],
      [[1, 2], 'is not a JSON object'],
    ];
    for (const [raw, reason] of cases) {
      expect(checkHistoryRecord(raw), reason).toEqual({ kind: 'invalid', reason });
    }
    expect(checkHistoryRecord({ ...good, v: 2, iid: 'anything' })).toEqual({ kind: 'foreign' });
    expect(checkHistoryRecord({ ...good, type: 'note' })).toEqual({ kind: 'foreign' });
    expect(checkHistoryRecord({ ...good, source: 'phone' })).toEqual({ kind: 'foreign' });
    const count = {
      v: 1,
      id: uuidOf(3),
      at: AT,
      type: 'remaining',
      pid: DEFAULT_PID,
      remaining: 1,
    };
    expect(checkHistoryRecord({ ...count, source: 'phone' })).toEqual({ kind: 'foreign' });
    expect(checkHistoryRecord({ ...count, source: 'simulator' })).toEqual({
      kind: 'record',
      record: { ...count, source: 'simulator' },
    });
  });

  it('skips an error of a source it does not know, and keeps it in the file', async () => {
    const unknownSource = `{"v":1,"id":"${uuidOf(2)}","at":"${AT}","type":"error","pid":"${DEFAULT_PID}","error":{"kind":"service","code":"0x67","message":"Blocked."},"source":"phone"}\n`;
    await writeFile(path, cidLine(1) + unknownSource);

    const store = await open(fixed(10));
    expect(store.loadNotice).toBeUndefined();
    expect(store.loadReport).toEqual({ records: 2, skipped: 1, droppedTailBytes: 0 });
    expect(store.get(uuidOf(2))).toBeUndefined();
    expect(store.list().entries.map((entry) => entry.id)).toEqual([uuidOf(1)]);

    await store.append({ type: 'remaining', pid: DEFAULT_PID, remaining: 2 });
    expect(await readFile(path, 'utf8')).toBe(
      cidLine(1) +
        unknownSource +
        `{"v":1,"id":"${uuidOf(10)}","at":"${AT}","type":"remaining","pid":"${DEFAULT_PID}","remaining":2}\n`,
    );
  });

  it('skips records of unknown types, newer versions and unknown values, and keeps them in the file', async () => {
    const foreign =
      `{"v":2,"id":"${uuidOf(90)}","at":"${AT}","type":"cid","iid":"72","cid":{"digits":"1"}}\n` +
      `{"v":1,"id":"${uuidOf(91)}","at":"${AT}","type":"note","text":"called Microsoft"}\n` +
      `{"v":1,"id":"${uuidOf(92)}","at":"${AT}","type":"cid","iid":"${iidOf(92)}","pid":"${DEFAULT_PID}","cid":"${cidOf(92)}","source":"phone"}\n`;
    const known = cidLine(1).replace('"source":"service"', '"source":"service","newField":[1,2]');
    await writeFile(path, known + foreign);

    const store = await open(fixed(10));
    expect(store.loadReport).toEqual({ records: 4, skipped: 3, droppedTailBytes: 0 });
    expect(store.size).toBe(1);
    expect(store.findCid(iidOf(1), DEFAULT_PID)).toEqual({
      v: 1,
      id: uuidOf(1),
      at: AT,
      type: 'cid',
      iid: iidOf(1),
      pid: DEFAULT_PID,
      cid: cidOf(1),
      source: 'service',
    });
    expect(store.findCid(iidOf(92), DEFAULT_PID)).toBeUndefined();
    expect(store.get(uuidOf(91))).toBeUndefined();

    await store.append({ type: 'remaining', pid: DEFAULT_PID, remaining: 2 });
    expect(await readFile(path, 'utf8')).toBe(
      known +
        foreign +
        `{"v":1,"id":"${uuidOf(10)}","at":"${AT}","type":"remaining","pid":"${DEFAULT_PID}","remaining":2}\n`,
    );
  });

  it('reads a file that an editor gave a byte-order mark, CR LF line ends or blank lines', async () => {
    await writeFile(path, `\ufeff${cidLine(1).replace('\n', '\r\n')}\n${cidLine(2)}`);
    const store = await open();
    expect(store.size).toBe(2);
    expect(store.loadNotice).toBeUndefined();
    expect(store.findCid(iidOf(2), DEFAULT_PID)?.cid).toBe(cidOf(2));
  });
});

describe('the published contract, docs/data-folder.md', () => {
  it('has example records that this version reads, and names the writer lock file', async () => {
    const doc = await readFile(new URL('../../docs/data-folder.md', import.meta.url), 'utf8');
    const examples = doc.split('\n').filter((line) => line.startsWith('{"v":1,'));
    expect(examples).toHaveLength(4);
    await writeFile(path, examples.map((line) => `${line}\n`).join(''));
    const store = await open();
    expect(store.loadReport).toEqual({ records: 4, skipped: 0, droppedTailBytes: 0 });
    expect(store.findCid(SAMPLE_SUCCESS.iid, DEFAULT_PID)?.cid).toBe(SAMPLE_SUCCESS.cid);
    expect(store.list().entries.map((entry) => entry.type)).toEqual(['remaining', 'cid']);
    expect(doc).toContain(`locks/${basename(lockPathFor(dir, HISTORY_WRITER_LOCK_KEY))}`);
  });
});

describe('finding and listing', () => {
  it('finds the latest CID for an IID and PID pair, and only CIDs from the service by default', async () => {
    const store = await open();
    expect(store.findCid(iidOf(1), DEFAULT_PID)).toBeUndefined();
    await store.append({
      type: 'cid',
      iid: iidOf(1),
      pid: DEFAULT_PID,
      cid: cidOf(1),
      source: 'service',
    });
    await store.append({
      type: 'cid',
      iid: iidOf(1),
      pid: DEFAULT_PID,
      cid: cidOf(2),
      source: 'service',
    });
    await store.append({
      type: 'cid',
      iid: iidOf(1),
      pid: OTHER_PID,
      cid: cidOf(3),
      source: 'service',
    });
    await store.append({
      type: 'cid',
      iid: iidOf(4),
      pid: DEFAULT_PID,
      cid: cidOf(4),
      source: 'simulator',
    });
    await store.append({
      type: 'error',
      iid: iidOf(5),
      pid: DEFAULT_PID,
      error: { kind: 'service', code: '0x67', message: 'Blocked.' },
    });

    expect(store.findCid(iidOf(1), DEFAULT_PID)?.cid).toBe(cidOf(2));
    expect(store.findCid(iidOf(1), OTHER_PID)?.cid).toBe(cidOf(3));
    expect(store.findCid(iidOf(4), DEFAULT_PID)).toBeUndefined();
    expect(store.findCid(iidOf(4), DEFAULT_PID, 'simulator')?.cid).toBe(cidOf(4));
    expect(store.findCid(iidOf(5), DEFAULT_PID)).toBeUndefined();
    expect(store.size).toBe(5);

    const reopened = await open(fixed(100));
    expect(reopened.findCid(iidOf(1), DEFAULT_PID)?.id).toBe(uuidOf(2));
    expect(reopened.size).toBe(5);
  });

  it('lists newest first and matches IIDs, CIDs and PIDs by digits, days and error text', async () => {
    const days = [
      '2025-03-12T23:59:59.999Z',
      '2025-03-13T08:00:00.000Z',
      '2025-03-13T20:00:00.000Z',
    ];
    const lines = days.map((at, i) => cidLine(i + 1, at)).join('');
    const error = `{"v":1,"id":"${uuidOf(4)}","at":"2025-04-01T10:00:00.000Z","type":"error","iid":"${SAMPLE_BLOCKED.iid}","pid":"${OTHER_PID}","error":{"kind":"service","code":"0x67","message":"The product key has been BLOCKED."}}\n`;
    await writeFile(path, lines + error);
    const store = await open();
    const ids = (query?: string, more: object = {}) =>
      store.list({ ...(query === undefined ? {} : { query }), ...more }).entries.map((e) => e.id);

    expect(ids()).toEqual([uuidOf(4), uuidOf(3), uuidOf(2), uuidOf(1)]);
    const grouped = iidOf(2).match(/.{7}/g)!.join('-');
    expect(ids(grouped)).toEqual([uuidOf(2)]);
    expect(ids(` ${iidOf(3).slice(10, 30)} `)).toEqual([uuidOf(3)]);
    expect(ids(cidOf(1).match(/.{6}/g)!.slice(2, 5).join(' '))).toEqual([uuidOf(1)]);
    expect(ids('2025-03-13')).toEqual([uuidOf(3), uuidOf(2)]);
    expect(ids('2025-03')).toEqual([uuidOf(3), uuidOf(2), uuidOf(1)]);
    expect(ids('0x67')).toEqual([uuidOf(4)]);
    expect(ids('blocked')).toEqual([uuidOf(4)]);
    expect(ids('1412012')).toEqual([uuidOf(4)]);
    expect(ids('no such thing')).toEqual([]);
    expect(ids(undefined, { types: ['error'] })).toEqual([uuidOf(4)]);
    expect(store.list({ offset: 1, limit: 2 })).toEqual({
      total: 4,
      entries: [store.get(uuidOf(3)), store.get(uuidOf(2))],
    });
  });

  it('uses the local day for date queries', async () => {
    await writeFile(path, cidLine(1, '2025-03-12T23:30:00.000Z'));
    // An hour east of UTC, half past eleven at night is already the next day.
    const store = await open({
      localDay: (date) => new Date(date.getTime() + 3_600_000).toISOString().slice(0, 10),
    });
    expect(store.list({ query: '2025-03-13' }).total).toBe(1);
    expect(store.list({ query: '2025-03-12' }).total).toBe(0);
  });
});

describe('deleting', () => {
  it('appends a tombstone; the entry leaves the list and the index, also after reopening', async () => {
    const store = await open();
    const first = await store.append({
      type: 'cid',
      iid: iidOf(1),
      pid: DEFAULT_PID,
      cid: cidOf(1),
      source: 'service',
    });
    const second = await store.append({
      type: 'cid',
      iid: iidOf(1),
      pid: DEFAULT_PID,
      cid: cidOf(2),
      source: 'service',
    });
    if (!first.ok || !second.ok) throw new Error('append failed');

    const deleted = await store.delete(second.value.id);
    expect(deleted).toEqual({
      ok: true,
      value: { v: 1, id: uuidOf(3), at: AT, type: 'delete', target: uuidOf(2) },
    });
    expect((await readFile(path, 'utf8')).split('\n')[2]).toBe(
      `{"v":1,"id":"${uuidOf(3)}","at":"${AT}","type":"delete","target":"${uuidOf(2)}"}`,
    );
    // The earlier CID for the same pair answers again.
    expect(store.findCid(iidOf(1), DEFAULT_PID)?.id).toBe(uuidOf(1));
    expect(store.list().entries.map((e) => e.id)).toEqual([uuidOf(1)]);
    expect(store.get(uuidOf(2))).toBeUndefined();
    expect(store.size).toBe(1);

    await store.delete(uuidOf(1));
    expect(store.findCid(iidOf(1), DEFAULT_PID)).toBeUndefined();
    expect(await store.delete(uuidOf(1))).toMatchObject({
      ok: false,
      error: {
        kind: 'invalid-input',
        message: 'That history entry does not exist or was already deleted.',
      },
    });

    const reopened = await open(fixed(50));
    expect(reopened.size).toBe(0);
    expect(reopened.list()).toEqual({ total: 0, entries: [] });
    expect(reopened.findCid(iidOf(1), DEFAULT_PID)).toBeUndefined();
  });
});

describe('interrupted writes', () => {
  it('drops a last line without its LF and cuts the file back to the last complete record', async () => {
    const complete = cidLine(1) + cidLine(2);
    const half = cidLine(3).slice(0, 100);
    await writeFile(path, complete + half);

    const store = await open(fixed(10));
    expect(store.loadReport).toEqual({ records: 2, skipped: 0, droppedTailBytes: 100 });
    expect(store.loadNotice).toBeUndefined();
    expect(store.size).toBe(2);
    expect(await readFile(path, 'utf8')).toBe(complete);
    await store.append({ type: 'remaining', pid: DEFAULT_PID, remaining: 1 });
    expect((await readFile(path, 'utf8')).split('\n')).toHaveLength(4);
  });

  it('drops a last line that is not JSON, and a torn multi-byte character', async () => {
    const complete = cidLine(1);
    await writeFile(
      path,
      Buffer.concat([Buffer.from(`${complete}{"v":1,"id":"\u00e9`), Buffer.from([0xc3])]),
    );
    let store = await open();
    expect(store.loadReport.droppedTailBytes).toBe(16);
    expect(await readFile(path, 'utf8')).toBe(complete);

    await writeFile(path, `${complete}{"v":1,"id":"${uuidOf(2)}\0\0\0\0\n`);
    store = await open();
    expect(store.loadReport.droppedTailBytes).toBe(54);
    expect(store.size).toBe(1);
    expect(await readFile(path, 'utf8')).toBe(complete);
  });

  it('cuts the remains of a writer that died mid-line before appending, so lines never merge', async () => {
    const store = await open(fixed(10));
    await store.append({ type: 'remaining', pid: DEFAULT_PID, remaining: 3 });
    // Another process dies after writing half a line.
    await appendFile(path, cidLine(2).slice(0, 80));
    await store.append({ type: 'remaining', pid: DEFAULT_PID, remaining: 2 });
    expect(await readFile(path, 'utf8')).toBe(
      `{"v":1,"id":"${uuidOf(10)}","at":"${AT}","type":"remaining","pid":"${DEFAULT_PID}","remaining":3}\n` +
        `{"v":1,"id":"${uuidOf(11)}","at":"${AT}","type":"remaining","pid":"${DEFAULT_PID}","remaining":2}\n`,
    );
  });

  it('does not cut a line that another store is still writing: refresh leaves an incomplete tail alone', async () => {
    await writeFile(path, cidLine(1));
    const store = await open();
    const partial = cidLine(2).slice(0, 70);
    await appendFile(path, partial);
    expect(await store.refresh()).toEqual({ ok: true, value: { added: 0, reloaded: false } });
    expect(await readFile(path, 'utf8')).toBe(cidLine(1) + partial);
    await appendFile(path, cidLine(2).slice(70));
    expect(await store.refresh()).toEqual({ ok: true, value: { added: 1, reloaded: false } });
    expect(store.findCid(iidOf(2), DEFAULT_PID)?.id).toBe(uuidOf(2));
  });
});

describe('a damaged file', () => {
  const notice = (movedTo: string, reason: string, kept: number, dropped: number) => ({
    message: `Your history file was damaged and has been moved aside to ${movedTo}; nothing in it was deleted. ${
      kept === 0
        ? 'No entry in it could be read, so CID Desk no longer recognises the Installation IDs it held and cannot stop a repeated request for one of them from spending another activation.'
        : `The ${kept} ${kept === 1 ? 'entry' : 'entries'} that could still be read ${kept === 1 ? 'was' : 'were'} kept, so ${kept === 1 ? 'its CID goes' : 'their CIDs go'} on being answered from the history; ${dropped} damaged ${dropped === 1 ? 'line was' : 'lines were'} left out.`
    }`,
    advice: `Before you request a CID for a machine you have handled before, look for its Installation ID in ${movedTo} (a text file, one entry per line). What was wrong: ${reason}.`,
    movedTo,
    reason,
  });

  /** [what, file bytes, reason given, records (by number) that can still be read, lines dropped] */
  const damaged: [string, Buffer, string, number[], number][] = [
    [
      'garbage in the middle',
      Buffer.from(`${cidLine(1)}this is not JSON\n${cidLine(2)}`),
      'line 2 is not valid JSON',
      [1, 2],
      1,
    ],
    [
      'bytes that are not UTF-8',
      Buffer.concat([
        Buffer.from(cidLine(1)),
        Buffer.from([0xff, 0xfe, 0x00, 0x9c, 0x0a]),
        Buffer.from(cidLine(2)),
      ]),
      'line 2 is not UTF-8 text',
      [1, 2],
      1,
    ],
    [
      'binary garbage',
      Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 131 + 7) % 256)),
      'line 1 is not UTF-8 text',
      [],
      0,
    ],
    [
      'a record whose IID fails its check digit',
      Buffer.from(
        cidLine(1) +
          cidLine(
            2,
            AT,
            iidOf(2).replace(/.$/, (d) => String((Number(d) + 1) % 10)),
          ) +
          cidLine(3),
      ),
      'line 2 "iid" is not a valid Installation ID',
      [1, 3],
      1,
    ],
    [
      'an error record whose "source" is not text',
      Buffer.from(
        cidLine(1) +
          `{"v":1,"id":"${uuidOf(2)}","at":"${AT}","type":"error","pid":"${DEFAULT_PID}","error":{"kind":"network","code":null,"message":"x"},"source":3}\n` +
          cidLine(3),
      ),
      'line 2 "source" is not text',
      [1, 3],
      1,
    ],
    [
      'an impossible date on the last line',
      Buffer.from(cidLine(1) + cidLine(2, '2025-02-29T10:00:00.000Z')),
      'line 2 has no valid "at" time',
      [1],
      1,
    ],
  ];

  it.each(damaged)(
    'with %s is moved aside byte for byte, and what can be read is kept',
    async (_, bytes, reason, readable, dropped) => {
      await writeFile(path, bytes);
      const store = await open(fixed(10));
      const movedTo = `${path}.damaged-20250314T092653Z`;
      const expected = notice(movedTo, reason, readable.length, dropped);
      expect(store.loadNotice).toEqual(expected);
      expect(store.loadReport).toEqual({
        records: readable.length,
        skipped: 0,
        droppedTailBytes: 0,
        notice: expected,
      });
      expect(Buffer.compare(await readFile(movedTo), bytes)).toBe(0);
      expect(await readFile(path, 'utf8')).toBe(readable.map((n) => cidLine(n)).join(''));
      expect(store.size).toBe(readable.length);
      // The readable CIDs still protect their IIDs from a second request.
      for (const n of readable) expect(store.findCid(iidOf(n), DEFAULT_PID)?.cid).toBe(cidOf(n));

      await store.append({
        type: 'cid',
        iid: iidOf(7),
        pid: DEFAULT_PID,
        cid: cidOf(7),
        source: 'service',
      });
      expect(store.findCid(iidOf(7), DEFAULT_PID)?.cid).toBe(cidOf(7));
      const reopened = await open();
      expect(reopened.loadNotice).toBeUndefined();
      expect(reopened.findCid(iidOf(7), DEFAULT_PID)?.cid).toBe(cidOf(7));
      for (const n of readable) expect(reopened.findCid(iidOf(n), DEFAULT_PID)?.cid).toBe(cidOf(n));
    },
  );

  it('never overwrites an earlier damaged file', async () => {
    await writeFile(path, 'first damage\n\n');
    await writeFile(`${path}.damaged-20250314T092653Z`, 'older');
    const store = await open();
    expect(store.loadNotice?.movedTo).toBe(`${path}.damaged-20250314T092653Z-2`);
    expect(await readFile(`${path}.damaged-20250314T092653Z`, 'utf8')).toBe('older');
    expect(await readFile(`${path}.damaged-20250314T092653Z-2`, 'utf8')).toBe('first damage\n\n');
  });
});

describe('storage failures are errors, not exceptions', () => {
  it('when a file stands where the data folder should be', async () => {
    await writeFile(join(dir, 'file'), 'x');
    const result = await openHistory(join(dir, 'file', 'data'));
    expect(result).toMatchObject({ ok: false, error: { kind: 'storage' } });
    expect(!result.ok && result.error.message).toBe(
      `CID Desk cannot open its data folder ${join(dir, 'file', 'data')}: part of the path is a file, not a folder. Without its history CID Desk cannot tell whether an Installation ID already has a Confirmation ID, so it sends nothing until this is fixed.`,
    );
  });

  it('when a folder stands where history.jsonl should be, at opening and later', async () => {
    await mkdir(path);
    const result = await openHistory(dir);
    expect(result).toEqual({
      ok: false,
      error: {
        kind: 'storage',
        code: null,
        message: `CID Desk cannot read its history file ${path}: something other than a file stands at that path. Without its history CID Desk cannot tell whether an Installation ID already has a Confirmation ID, so it sends nothing until this is fixed.`,
        advice: `Move whatever is at ${path} elsewhere (CID Desk then starts a new history), or put the history file back there.`,
      },
    });

    await rm(path, { recursive: true });
    const store = await open();
    await rm(path);
    await mkdir(path);
    expect(await store.refresh()).toMatchObject({ ok: false, error: { kind: 'storage' } });
    expect(await store.append({ type: 'remaining', pid: DEFAULT_PID, remaining: 1 })).toMatchObject(
      { ok: false, error: { kind: 'storage' } },
    );
  });

  it('when the lock folder cannot be created, nothing is written', async () => {
    const store = await open();
    await writeFile(join(dir, 'locks'), 'in the way');
    const result = await store.append({ type: 'remaining', pid: DEFAULT_PID, remaining: 1 });
    expect(result).toMatchObject({ ok: false, error: { kind: 'storage' } });
    expect(!result.ok && result.error.message).toMatch(/^CID Desk cannot create its lock file /);
    expect(await readFile(path, 'utf8')).toBe('');
  });
});

describe('two stores on one folder, as the app and the command line', () => {
  it('each finds what the other appended after a refresh', async () => {
    const app = await open(fixed(1));
    const cli = await open(fixed(1000));
    await app.append({
      type: 'cid',
      iid: iidOf(1),
      pid: DEFAULT_PID,
      cid: cidOf(1),
      source: 'service',
    });
    expect(cli.findCid(iidOf(1), DEFAULT_PID)).toBeUndefined();
    expect(await cli.refresh()).toEqual({ ok: true, value: { added: 1, reloaded: false } });
    expect(cli.findCid(iidOf(1), DEFAULT_PID)?.cid).toBe(cidOf(1));
    expect(await cli.refresh()).toEqual({ ok: true, value: { added: 0, reloaded: false } });

    // Appending reads the other's new lines first, so both keep the file's order.
    await app.append({ type: 'remaining', pid: DEFAULT_PID, remaining: 4 });
    await cli.append({
      type: 'cid',
      iid: iidOf(2),
      pid: DEFAULT_PID,
      cid: cidOf(2),
      source: 'service',
    });
    expect(cli.list().entries.map((e) => e.id)).toEqual([uuidOf(1000), uuidOf(2), uuidOf(1)]);
    await app.refresh();
    expect(app.list().entries.map((e) => e.id)).toEqual([uuidOf(1000), uuidOf(2), uuidOf(1)]);

    await cli.delete(uuidOf(1));
    await app.refresh();
    expect(app.findCid(iidOf(1), DEFAULT_PID)).toBeUndefined();
  });

  it('interleaved appends from both all land on lines of their own', async () => {
    const a = await open(fixed(1));
    const b = await open(fixed(1001));
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        (i % 2 === 0 ? a : b).append({
          type: 'cid',
          iid: iidOf(i),
          pid: DEFAULT_PID,
          cid: cidOf(i),
          source: 'service',
        }),
      ),
    );
    await a.refresh();
    await b.refresh();
    const lines = (await readFile(path, 'utf8')).split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(20);
    for (const line of lines) expect(checkHistoryRecord(JSON.parse(line)).kind).toBe('record');
    for (let i = 0; i < 20; i += 1) {
      expect(a.findCid(iidOf(i), DEFAULT_PID)?.cid).toBe(cidOf(i));
      expect(b.findCid(iidOf(i), DEFAULT_PID)?.cid).toBe(cidOf(i));
    }
  });

  it('reads everything again when the file was replaced or shrank', async () => {
    await writeFile(path, cidLine(1) + cidLine(2));
    const store = await open();
    await rename(path, join(dir, 'old.jsonl'));
    await writeFile(path, cidLine(3));
    expect(await store.refresh()).toEqual({ ok: true, value: { added: 1, reloaded: true } });
    expect(store.findCid(iidOf(1), DEFAULT_PID)).toBeUndefined();
    expect(store.findCid(iidOf(3), DEFAULT_PID)?.cid).toBe(cidOf(3));

    await writeFile(path, cidLine(3) + cidLine(4));
    await store.refresh();
    await truncate(path, 0);
    await appendFile(path, cidLine(5));
    expect(await store.refresh()).toEqual({ ok: true, value: { added: 1, reloaded: true } });
    expect(store.size).toBe(1);

    await rm(path);
    expect(await store.refresh()).toEqual({ ok: true, value: { added: 0, reloaded: true } });
    expect(store.size).toBe(0);
  });
});

describe('a large history', () => {
  it('loads 100,000 records and finds each one', async () => {
    const count = 100_000;
    const iids: string[] = [];
    const cids: string[] = [];
    const parts: string[] = [];
    for (let n = 0; n < count; n += 1) {
      iids.push(iidOf(n));
      cids.push(cidOf(n));
      const at = new Date(Date.UTC(2024, 0, 1) + n * 60_000).toISOString();
      parts.push(
        n % 10 === 9
          ? `{"v":1,"id":"${uuidOf(n)}","at":"${at}","type":"error","iid":"${iids[n]}","pid":"${DEFAULT_PID}","error":{"kind":"service","code":"0x67","message":"Blocked."}}\n`
          : cidLine(n, at, iids[n]),
      );
    }
    // One tombstone, at the end, for the very first record.
    parts.push(
      `{"v":1,"id":"${uuidOf(count)}","at":"${AT}","type":"delete","target":"${uuidOf(0)}"}\n`,
    );
    await writeFile(path, parts.join(''));

    const store = await open();
    expect(store.loadReport).toEqual({ records: count + 1, skipped: 0, droppedTailBytes: 0 });
    expect(store.size).toBe(count - 1);
    expect(store.findCid(iids[0]!, DEFAULT_PID)).toBeUndefined();
    let wrong = 0;
    for (let n = 1; n < count; n += 1) {
      const found = store.findCid(iids[n]!, DEFAULT_PID);
      const right =
        n % 10 === 9 ? found === undefined : found?.cid === cids[n] && found?.id === uuidOf(n);
      if (!right) wrong += 1;
    }
    expect(wrong).toBe(0);
    expect(store.findCid(iids[1]!, OTHER_PID)).toBeUndefined();
    expect(store.list({ limit: 1 }).entries[0]?.id).toBe(uuidOf(count - 1));
  });
});

// ---------------------------------------------------------------------------------------------
// Real processes

let childJs: string;
let removeChild: () => Promise<void>;

beforeAll(async () => {
  const bundle = await bundleHistoryWriter();
  childJs = bundle.path;
  removeChild = bundle.remove;
});

afterAll(async () => {
  await removeChild();
});

interface Child {
  lines: string[];
  /** Resolves once `count` lines have arrived. */
  waitForLines(count: number): Promise<void>;
  exited: Promise<unknown>;
  kill(): Promise<void>;
}

function startChild(args: string[], command: string[] = [process.execPath]): Child {
  const [file, ...pre] = command;
  const proc = spawn(file!, [...pre, childJs, ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines: string[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  let buffered = '';
  proc.stdout.setEncoding('utf8');
  proc.stdout.on('data', (chunk: string) => {
    buffered += chunk;
    const parts = buffered.split('\n');
    buffered = parts.pop()!;
    lines.push(...parts);
    for (const waiter of waiters) if (lines.length >= waiter.count) waiter.resolve();
  });
  const exited = once(proc, 'exit');
  return {
    lines,
    waitForLines: (count) =>
      lines.length >= count
        ? Promise.resolve()
        : new Promise<void>((resolve, reject) => {
            waiters.push({ count, resolve });
            exited.then(() => reject(new Error(`child exited: ${lines.join(' | ')}`)), reject);
          }),
    exited,
    async kill() {
      proc.kill('SIGKILL');
      await exited;
    },
  };
}

/**
 * Spins (for at most `ms`) until the file's last byte is not an LF, which means a write is under
 * way right now. Synchronous on purpose: the kill must follow at once.
 */
function waitForWriteUnderWay(file: string, ms: number): void {
  const fd = openSync(file, 'r');
  const byte = Buffer.alloc(1);
  const end = Date.now() + ms;
  try {
    while (Date.now() < end) {
      const { size } = fstatSync(fd);
      if (size > 0 && readSync(fd, byte, 0, 1, size - 1) === 1 && byte[0] !== 0x0a) return;
    }
  } finally {
    closeSync(fd);
  }
}

describe('a writer killed in the middle of writing', () => {
  it('loses nothing it reported as written, over several rounds, with writes really cut short', async () => {
    const reported: string[] = [];
    let rounds = 0;
    let tornRounds = 0;
    // Rounds go on until a kill has landed inside a write (the kernel cuts a large write short
    // when the process dies), within a bound.
    while (rounds < 4 || (tornRounds === 0 && rounds < 10)) {
      rounds += 1;
      const child = startChild(['append', dir, String(6_000_000)]);
      await child.waitForLines(1 + (rounds % 2));
      if (rounds % 3 === 0) await new Promise((resolve) => setTimeout(resolve, rounds % 7));
      else waitForWriteUnderWay(path, 2_000);
      await child.kill();
      for (const line of child.lines) {
        expect(line).toMatch(/^ok /);
        reported.push(line.slice(3));
      }

      const store = await open();
      if (store.loadReport.droppedTailBytes > 0) tornRounds += 1;
      expect(store.loadNotice).toBeUndefined();
      for (const id of reported) expect(store.get(id)?.id).toBe(id);
      const bytes = await readFile(path);
      expect(bytes.length === 0 || bytes[bytes.length - 1] === 0x0a).toBe(true);
      const lines = bytes.toString('utf8').split('\n');
      lines.pop();
      expect(lines.length).toBe(store.loadReport.records);
      for (const line of lines) expect(checkHistoryRecord(JSON.parse(line)).kind).toBe('record');
    }
    expect(reported.length).toBeGreaterThanOrEqual(rounds);
    expect(tornRounds).toBeGreaterThan(0);
  }, 60_000);

  it('recovers from a writer that died holding the lock with half a line written', async () => {
    const store = await open(fixed(1));
    await store.append({
      type: 'cid',
      iid: iidOf(1),
      pid: DEFAULT_PID,
      cid: cidOf(1),
      source: 'service',
    });
    const before = await readFile(path, 'utf8');

    const child = startChild(['tear', dir]);
    await child.waitForLines(1);
    expect(child.lines).toEqual(['torn']);
    await child.kill();
    expect((await readFile(path, 'utf8')).length).toBeGreaterThan(before.length);
    expect(await readdir(join(dir, 'locks'))).toContain(
      basename(lockPathFor(dir, HISTORY_WRITER_LOCK_KEY)),
    );

    // The open store's next append breaks the dead writer's lock and cuts its half line.
    await store.append({ type: 'remaining', pid: DEFAULT_PID, remaining: 1 });
    expect(await readFile(path, 'utf8')).toBe(
      `${before}{"v":1,"id":"${uuidOf(2)}","at":"${AT}","type":"remaining","pid":"${DEFAULT_PID}","remaining":1}\n`,
    );

    const again = startChild(['tear', dir]);
    await again.waitForLines(1);
    await again.kill();
    const reopened = await open();
    const torn = `{"v":1,"id":"0b0e4c8e-7a51-4f0e-9d55-3c1f5a0c2b7d","at":"${AT}","type":"remaining","pid":"${DEFAULT_PID}","remaining":5}`;
    expect(reopened.loadReport.droppedTailBytes).toBe(Math.floor(torn.length / 2));
    expect(reopened.size).toBe(2);
    expect(await readdir(join(dir, 'locks'))).toEqual([]);
  });

  it('gives a storage error and leaves the file as it was when the disk fills up mid-write', async () => {
    await writeFile(path, cidLine(1));
    const size = Buffer.byteLength(cidLine(1));
    // The file size limit makes the kernel write only part of the line, as a full disk does.
    const child = startChild(
      ['append-once', dir, '4096'],
      ['prlimit', `--fsize=${size + 100}`, process.execPath],
    );
    await child.waitForLines(1);
    await child.exited;
    expect(child.lines[0]).toBe(
      `error storage CID Desk cannot save to its history file ${path}: the disk is full. The entry was not saved.`,
    );
    expect(await readFile(path, 'utf8')).toBe(cidLine(1));
  });
});
