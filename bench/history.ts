/**
 * The history at 100,000 CID records: opening it (read, parse and check every line, build the
 * indexes), looking a CID up, appending one record durably, and the refresh every request makes
 * when no other process has written.
 */
import { mkdtemp, open as openFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_PID } from '../shared/pid';
import {
  HISTORY_FILE_NAME,
  openHistory,
  type HistoryStore,
} from '../electron/history/history-store';
import { simulatedCid } from '../electron/simulator/simulator';
import { deriveIid } from '../electron/simulator/simulator-scenarios';
import { msSince, timing, value, type Figure } from './stats';

const ENTRIES = 100_000;
const LOAD_RUNS = 7;
const LOOKUP_BATCHES = 200;
const LOOKUPS_PER_BATCH = 100;
const LOOKUP_WARM_UP = 10;
const APPENDS = 100;
const REFRESHES = 2_000;
const START = Date.parse('2024-01-01T00:00:00.000Z');

/** A version-4-shaped UUID that encodes n, so the file is the same on every run. */
function uuidOf(n: number): string {
  return `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}

/** 100,000 CID records, one a minute, every IID and CID with valid check digits. */
function historyText(iids: readonly string[]): string {
  const lines: string[] = [];
  iids.forEach((iid, n) => {
    const record = {
      v: 1,
      id: uuidOf(n),
      at: new Date(START + n * 60_000).toISOString(),
      type: 'cid',
      iid,
      pid: DEFAULT_PID,
      cid: simulatedCid(iid, DEFAULT_PID),
      source: 'service',
    };
    lines.push(JSON.stringify(record));
  });
  return `${lines.join('\n')}\n`;
}

async function open(dir: string): Promise<HistoryStore> {
  const store = await openHistory(dir);
  if (!store.ok) throw new Error(store.error.message);
  if (store.value.size !== ENTRIES || store.value.loadNotice) {
    throw new Error(`The history opened with ${store.value.size} entries, not ${ENTRIES}.`);
  }
  return store.value;
}

/** Writes a 100,000-record history to a temporary folder and times the store's operations on it. */
export async function benchHistory(): Promise<Figure[]> {
  const dir = await mkdtemp(join(tmpdir(), 'cid-desk-bench-history-'));
  const figures: Figure[] = [];
  try {
    const generated = process.hrtime.bigint();
    // One in ten in the 54-digit form, as Office and older Windows give.
    const iids = Array.from({ length: ENTRIES }, (_, n) =>
      deriveIid(`bench history ${n}`, n % 10 === 9 ? 54 : 63),
    );
    const path = join(dir, HISTORY_FILE_NAME);
    await writeFile(path, historyText(iids));
    const { size } = await stat(path);
    figures.push(
      value('history', 'generate history.jsonl (setup)', msSince(generated), 'ms', {
        note: `${ENTRIES.toLocaleString('en-US')} CID records, ${(size / 1024 / 1024).toFixed(1)} MiB`,
      }),
    );

    const loads: number[] = [];
    let store: HistoryStore | undefined;
    for (let run = 0; run < LOAD_RUNS; run += 1) {
      // Only one store alive at a time, as in the app: the last one is garbage before the next.
      store = undefined;
      const start = process.hrtime.bigint();
      store = await open(dir);
      loads.push(msSince(start));
    }
    figures.push(
      timing('history', 'openHistory, 100,000 entries', loads, {
        target: { max: 500, on: 'median', label: '< 500 ms median' },
        note: `each run a new store over the same file (page cache warm); runs: ${loads.map((t) => t.toFixed(0)).join(', ')} ms`,
      }),
    );
    const history = store!;

    const hits = Array.from({ length: LOOKUPS_PER_BATCH }, (_, i) => iids[(i * 7919) % ENTRIES]!);
    const misses = Array.from({ length: LOOKUPS_PER_BATCH }, (_, i) =>
      deriveIid(`bench history absent ${i}`),
    );
    for (const [name, keys, expectFound] of [
      ['findCid, hit', hits, true],
      ['findCid, miss', misses, false],
    ] as const) {
      const perLookup: number[] = [];
      for (let batch = 0; batch < LOOKUP_BATCHES; batch += 1) {
        let found = 0;
        const start = process.hrtime.bigint();
        for (const iid of keys) if (history.findCid(iid, DEFAULT_PID) !== undefined) found += 1;
        const elapsed = msSince(start);
        if (found !== (expectFound ? keys.length : 0)) {
          throw new Error(`${name}: ${found} of ${keys.length} found.`);
        }
        if (batch >= LOOKUP_WARM_UP) perLookup.push(elapsed / keys.length);
      }
      figures.push(
        timing('history', name, perLookup, {
          target: { max: 1, on: 'median', label: '< 1 ms median' },
          note: `each sample = one batch of ${keys.length} lookups / ${keys.length} (a single call is below the timer's resolution)`,
        }),
      );
    }

    const appends: number[] = [];
    for (let i = 0; i < APPENDS; i += 1) {
      const iid = deriveIid(`bench history appended ${i}`);
      const start = process.hrtime.bigint();
      const saved = await history.append({
        type: 'cid',
        iid,
        pid: DEFAULT_PID,
        cid: simulatedCid(iid, DEFAULT_PID),
        source: 'service',
      });
      appends.push(msSince(start));
      if (!saved.ok) throw new Error(saved.error.message);
    }
    figures.push(
      timing('history', 'append one CID record (fdatasync)', appends, {
        note: 'writer lock file, catch up, one write() of one line, fdatasync, unlock',
      }),
    );

    // The floor under any durable append on this disk: one line written and flushed, no lock.
    const floorPath = join(dir, 'fdatasync-floor.jsonl');
    const line = Buffer.from(`${JSON.stringify({ n: 0, pad: 'x'.repeat(240) })}\n`, 'utf8');
    const flushes: number[] = [];
    for (let i = 0; i < APPENDS; i += 1) {
      const start = process.hrtime.bigint();
      const handle = await openFile(floorPath, 'a');
      try {
        await handle.write(line, 0, line.length, null);
        await handle.datasync();
      } finally {
        await handle.close();
      }
      flushes.push(msSince(start));
    }
    figures.push(
      timing('history', 'floor: open + write + fdatasync + close', flushes, {
        note: 'the same file system, no lock and no checks: what any durable append costs here',
      }),
    );

    const refreshes: number[] = [];
    for (let i = 0; i < REFRESHES; i += 1) {
      const start = process.hrtime.bigint();
      const fresh = await history.refresh();
      refreshes.push(msSince(start));
      if (!fresh.ok || fresh.value.added !== 0) throw new Error('Refresh found something new.');
    }
    figures.push(timing('history', 'refresh, nothing new', refreshes, { note: 'one stat()' }));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return figures;
}
