/**
 * A second CID Desk process for the history and lock tests: the tests bundle it and run it with
 * node, then kill it mid-write or let it contend with another copy of itself.
 *
 *   append <dir> <large-bytes>          append records for ever, printing `ok <id>` after each
 *   contend <dir> <key> <rounds> <log>  print `ready`; after `go` on stdin, enter and leave a lock
 *                                       `rounds` times, logging each to <log>
 *   request <dir> <iid> <cid> <log>     print `ready`; after `go`, get a CID the way the app does,
 *                                       logging `send` to <log> when it would reach the service
 *   hold <dir> <key>                    take a lock, print `locked`, and wait to be killed
 *   tear <dir>                          as a writer that dies mid-line: take the writer lock, write
 *                                       half a record, print `torn`, and wait to be killed
 *   append-once <dir> <message-bytes>   append one error record, print `ok` or `error <kind> <message>`
 */
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkDigitFor } from '../../shared/digits';
import { DEFAULT_PID } from '../../shared/pid';
import { acquireLock, withLock } from '../storage/history-lock';
import {
  HISTORY_FILE_NAME,
  HISTORY_WRITER_LOCK_KEY,
  historyPairKey,
  openHistory,
  type HistoryStore,
} from '../history/history-store';

const [mode, dir = '', ...rest] = process.argv.slice(2);

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

function quit(message: string): never {
  say(`error ${message}`);
  process.exit(1);
}

/** A valid ID of `groups` groups of `size` digits, derived from `n`. */
function validId(n: number, groups: number, size: number): string {
  let id = '';
  for (let g = 0; g < groups; g += 1) {
    const payload = String((n * 7919 + g * 104729) % 10 ** (size - 1)).padStart(size - 1, '0');
    id += payload + String(checkDigitFor(payload));
  }
  return id;
}

/** Says `ready` and waits for `go`, so that two copies start their race together. */
function waitForGo(): Promise<void> {
  say('ready');
  return new Promise((resolve) => {
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (chunk: string) => {
      if (chunk.includes('go')) resolve();
    });
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function open(): Promise<HistoryStore> {
  const store = await openHistory(dir);
  if (!store.ok) quit(store.error.message);
  return store.value;
}

async function append(largeBytes: number): Promise<void> {
  const store = await open();
  for (let n = 0; ; n += 1) {
    // Every other record is large, so that a kill is likely to land inside a write.
    const result =
      n % 2 === 0
        ? await store.append({
            type: 'cid',
            iid: validId(process.pid * 1000 + n, 9, 7),
            pid: DEFAULT_PID,
            cid: validId(n, 8, 6),
            source: 'service',
          })
        : await store.append({
            type: 'error',
            pid: DEFAULT_PID,
            error: { kind: 'service', code: '0x67', message: 'x'.repeat(largeBytes) },
          });
    if (!result.ok) quit(result.error.message);
    say(`ok ${result.value.id}`);
  }
}

async function contend(key: string, rounds: number, log: string): Promise<void> {
  await waitForGo();
  for (let i = 0; i < rounds; i += 1) {
    const result = await withLock(
      dir,
      key,
      async () => {
        appendFileSync(log, `enter ${process.pid}\n`);
        await sleep(1 + (i % 3));
        appendFileSync(log, `leave ${process.pid}\n`);
      },
      { timeoutMs: 20_000 },
    );
    if (!result.ok) quit(result.error.message);
  }
  say('done');
  process.exit(0);
}

/** The caller's intended use: within the lock, refresh, answer from history, else send and save. */
async function request(iid: string, cid: string, log: string): Promise<void> {
  const store = await open();
  await waitForGo();
  const result = await withLock(dir, historyPairKey(iid, DEFAULT_PID), async () => {
    const fresh = await store.refresh();
    if (!fresh.ok) quit(fresh.error.message);
    const known = store.findCid(iid, DEFAULT_PID);
    if (known) return `history ${known.cid}`;
    appendFileSync(log, `send ${process.pid}\n`);
    await sleep(20);
    const saved = await store.append({
      type: 'cid',
      iid,
      pid: DEFAULT_PID,
      cid,
      source: 'service',
    });
    if (!saved.ok) quit(saved.error.message);
    return `service ${cid}`;
  });
  if (!result.ok) quit(result.error.message);
  say(result.value);
  process.exit(0);
}

async function hold(key: string): Promise<void> {
  const lock = await acquireLock(dir, key);
  if (!lock.ok) quit(lock.error.message);
  say('locked');
  setInterval(() => undefined, 60_000);
}

async function tear(): Promise<void> {
  const lock = await acquireLock(dir, HISTORY_WRITER_LOCK_KEY);
  if (!lock.ok) quit(lock.error.message);
  const line = JSON.stringify({
    v: 1,
    id: '0b0e4c8e-7a51-4f0e-9d55-3c1f5a0c2b7d',
    at: '2025-03-14T09:26:53.589Z',
    type: 'remaining',
    pid: DEFAULT_PID,
    remaining: 5,
  });
  appendFileSync(join(dir, HISTORY_FILE_NAME), line.slice(0, Math.floor(line.length / 2)));
  say('torn');
  setInterval(() => undefined, 60_000);
}

async function appendOnce(messageBytes: number): Promise<void> {
  const store = await open();
  const result = await store.append({
    type: 'error',
    pid: DEFAULT_PID,
    error: { kind: 'network', code: null, message: 'y'.repeat(messageBytes) },
  });
  say(result.ok ? 'ok' : `error ${result.error.kind} ${result.error.message}`);
  process.exit(0);
}

switch (mode) {
  case 'tear':
    void tear();
    break;
  case 'append-once':
    void appendOnce(Number(rest[0] ?? 0));
    break;
  case 'append':
    void append(Number(rest[0] ?? 0));
    break;
  case 'contend':
    void contend(rest[0] ?? '', Number(rest[1] ?? 1), rest[2] ?? '');
    break;
  case 'request':
    void request(rest[0] ?? '', rest[1] ?? '', rest[2] ?? '');
    break;
  case 'hold':
    void hold(rest[0] ?? '');
    break;
  default:
    quit(`unknown mode ${String(mode)}`);
}
