import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { mkdir, mkdtemp, readFile, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { checkDigitFor } from '../../shared/digits';
import { DEFAULT_PID } from '../../shared/pid';
import { acquireLock, lockPathFor, withLock, type LockOwner } from './history-lock';
import { HISTORY_FILE_NAME, openHistory } from '../history/history-store';
import { bundleHistoryWriter } from '../test-support/history-writer-bundle';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cid-desk-lock-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

async function readOwner(path: string): Promise<LockOwner> {
  return JSON.parse(await readFile(path, 'utf8')) as LockOwner;
}

/** Writes a lock file as another process would have left it. */
async function plantLock(key: string, owner: object | string, ageMs = 0): Promise<string> {
  const path = lockPathFor(dir, key);
  await mkdir(join(dir, 'locks'), { recursive: true });
  await writeFile(path, typeof owner === 'string' ? owner : JSON.stringify(owner));
  const when = new Date(Date.now() - ageMs);
  await utimes(path, when, when);
  return path;
}

describe('lock files', () => {
  it('live in <dir>/locks under a hash of the key', () => {
    const hash = createHash('sha256').update('a|b', 'utf8').digest('hex').slice(0, 40);
    expect(lockPathFor(dir, 'a|b')).toBe(join(dir, 'locks', `${hash}.lock`));
    expect(lockPathFor(dir, 'a|c')).not.toBe(lockPathFor(dir, 'a|b'));
  });

  it('name their owner and disappear on release', async () => {
    const lock = await acquireLock(dir, 'key');
    if (!lock.ok) throw new Error(lock.error.message);
    const owner = await readOwner(lock.value.path);
    expect(owner).toEqual({
      pid: process.pid,
      host: hostname(),
      at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
      token: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    await lock.value.release();
    await lock.value.release();
    expect(await readdir(join(dir, 'locks'))).toEqual([]);
  });

  it('make a second taker wait, then time out with a storage error naming the holder', async () => {
    const first = await acquireLock(dir, 'key');
    if (!first.ok) throw new Error(first.error.message);
    const owner = await readOwner(first.value.path);
    const second = await acquireLock(dir, 'key', { timeoutMs: 150 });
    expect(second).toEqual({
      ok: false,
      error: {
        kind: 'storage',
        code: null,
        message: `Another CID Desk window or cid-desk command (process ${process.pid} on ${hostname()}, since ${owner.at}) is still working on the same request and did not finish within 0.2 seconds. Nothing was sent, so no activation was used.`,
        advice: `Wait for the other request to finish, then try again: its result will be in the history. If no other CID Desk is running, delete the file ${first.value.path}.`,
      },
    });
    await first.value.release();
  });

  it('let a waiter in once the holder releases', async () => {
    const order: string[] = [];
    const gate = deferred();
    const first = withLock(dir, 'key', async () => {
      order.push('first in');
      await gate.promise;
      order.push('first out');
    });
    // Let the first take the lock before the second asks.
    while (order.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const second = withLock(dir, 'key', async () => order.push('second in'), { timeoutMs: 10_000 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(order).toEqual(['first in']);
    gate.resolve();
    expect(await first).toEqual({ ok: true, value: undefined });
    expect(await second).toEqual({ ok: true, value: 3 });
    expect(order).toEqual(['first in', 'first out', 'second in']);
  });

  it('do not block other keys', async () => {
    const gate = deferred();
    const order: string[] = [];
    const held = withLock(dir, 'one', async () => {
      await gate.promise;
      order.push('one done');
    });
    const other = await withLock(dir, 'two', async () => 'two done', { timeoutMs: 5_000 });
    order.push(other.ok ? other.value : 'two failed');
    gate.resolve();
    await held;
    expect(order).toEqual(['two done', 'one done']);
  });

  it('are released when the work throws, and the exception goes on', async () => {
    const boom = new Error('boom');
    await expect(
      withLock(dir, 'key', async () => {
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(await readdir(join(dir, 'locks'))).toEqual([]);
    expect(await withLock(dir, 'key', async () => 'again', { timeoutMs: 100 })).toEqual({
      ok: true,
      value: 'again',
    });
  });

  it('stop waiting when cancelled', async () => {
    const held = await acquireLock(dir, 'key');
    if (!held.ok) throw new Error(held.error.message);
    const controller = new AbortController();
    const waiting = acquireLock(dir, 'key', { signal: controller.signal });
    controller.abort();
    expect(await waiting).toMatchObject({
      ok: false,
      error: { kind: 'network', cause: 'cancelled', mayHaveReachedService: false },
    });
    await held.value.release();
  });

  it('give a storage error when the locks folder cannot be made', async () => {
    await writeFile(join(dir, 'locks'), 'in the way');
    const result = await acquireLock(dir, 'key', { timeoutMs: 100 });
    expect(result).toMatchObject({ ok: false, error: { kind: 'storage' } });
    expect(!result.ok && result.error.message).toBe(
      `CID Desk cannot create its lock file ${lockPathFor(dir, 'key')} (EEXIST), so it cannot make sure that no other CID Desk sends the same request at the same time.`,
    );
  });

  it('are kept fresh by their holder, so age alone does not break a live lock', async () => {
    const lock = await acquireLock(dir, 'key', { staleMs: 400 });
    if (!lock.ok) throw new Error(lock.error.message);
    const old = new Date(Date.now() - 3_600_000);
    await utimes(lock.value.path, old, old);
    // Wait (up to 4 s) for the heartbeat to bring the time back to within the last minute.
    const recent = () => Date.now() - 60_000;
    let touched = (await stat(lock.value.path)).mtimeMs;
    for (let i = 0; i < 200 && touched < recent(); i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      touched = (await stat(lock.value.path)).mtimeMs;
    }
    expect(touched).toBeGreaterThan(recent());
    await lock.value.release();
  });
});

describe('abandoned locks', () => {
  it('are broken when the owner on this host is gone', async () => {
    const child = startChild(['hold', dir, 'key']);
    await child.waitForLines(1);
    expect(child.lines).toEqual(['locked']);
    const path = lockPathFor(dir, 'key');
    const dead = await readOwner(path);
    await child.kill();

    const result = await withLock(dir, 'key', async () => (await readOwner(path)).pid, {
      staleMs: 3_600_000,
      timeoutMs: 5_000,
    });
    expect(dead.pid).toBe(child.pid);
    expect(result).toEqual({ ok: true, value: process.pid });
  });

  it('are broken when untouched for longer than staleMs, even from another host', async () => {
    const owner = { pid: 1, host: 'elsewhere.invalid', at: '2025-01-01T00:00:00.000Z', token: 't' };
    await plantLock('old', owner, 7_200_000);
    expect(await withLock(dir, 'old', async () => 'mine', { staleMs: 60_000 })).toEqual({
      ok: true,
      value: 'mine',
    });

    const path = await plantLock('fresh', owner, 1_000);
    expect(
      await withLock(dir, 'fresh', async () => 'mine', { staleMs: 60_000, timeoutMs: 100 }),
    ).toMatchObject({ ok: false, error: { kind: 'storage' } });
    expect(await readOwner(path)).toEqual(owner);
  });

  it('are never broken for age alone while their owner runs on this computer', async () => {
    // A clock step or a laptop waking from sleep makes a live holder's file look old. The owner is
    // another live process: the one that started this test.
    const owner = {
      pid: process.ppid,
      host: hostname(),
      at: '2025-01-01T00:00:00.000Z',
      token: 't',
    };
    const path = await plantLock('asleep', owner, 5 * 60_000);
    expect(
      await withLock(dir, 'asleep', async () => 'mine', { staleMs: 1_000, timeoutMs: 150 }),
    ).toMatchObject({ ok: false, error: { kind: 'storage' } });
    expect(await readOwner(path)).toEqual(owner);
  });

  it('are broken at once when they name this process but none of its locks', async () => {
    // Left by an earlier process that had the same pid, before a crash and a restart.
    const leftover = {
      pid: process.pid,
      host: hostname(),
      at: '2025-01-01T00:00:00.000Z',
      token: 'left-by-an-earlier-process',
    };
    const path = await plantLock('key', leftover, 1_000);
    const result = await withLock(dir, 'key', async () => readOwner(path), {
      staleMs: 3_600_000,
      timeoutMs: 1_000,
    });
    expect(result).toMatchObject({ ok: true, value: { pid: process.pid } });
    expect(result.ok && result.value.token).not.toBe(leftover.token);
    expect(await readdir(join(dir, 'locks'))).toEqual([]);
  });

  it('that this process holds still make its other takers wait', async () => {
    const held = await acquireLock(dir, 'key', { staleMs: 3_600_000 });
    if (!held.ok) throw new Error(held.error.message);
    const owner = await readOwner(held.value.path);
    const second = await acquireLock(dir, 'key', { staleMs: 3_600_000, timeoutMs: 150 });
    expect(second).toMatchObject({ ok: false, error: { kind: 'storage' } });
    expect(await readOwner(held.value.path)).toEqual(owner);
    await held.value.release();
    expect(await readdir(join(dir, 'locks'))).toEqual([]);
  });

  it('that are empty (the owner died before writing) are judged by age', async () => {
    await plantLock('empty', '', 7_200_000);
    expect((await withLock(dir, 'empty', async () => 1, { staleMs: 60_000 })).ok).toBe(true);
    await plantLock('new', '');
    expect(
      (await withLock(dir, 'new', async () => 1, { staleMs: 60_000, timeoutMs: 100 })).ok,
    ).toBe(false);
  });

  it('are broken once when many wait, and the waiters still take turns', async () => {
    await plantLock('key', { pid: 1, host: 'elsewhere.invalid', at: '', token: 't' }, 7_200_000);
    const log: string[] = [];
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        withLock(
          dir,
          'key',
          async () => {
            log.push(`in ${i}`);
            await new Promise((resolve) => setTimeout(resolve, 3));
            log.push(`out ${i}`);
          },
          { staleMs: 60_000, timeoutMs: 10_000 },
        ),
      ),
    );
    expect(results.every((result) => result.ok)).toBe(true);
    expectTurns(log, 'in', 'out');
    expect(log).toHaveLength(12);
    expect(await readdir(join(dir, 'locks'))).toEqual([]);
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
  pid: number | undefined;
  lines: string[];
  waitForLines(count: number): Promise<void>;
  send(text: string): void;
  exited: Promise<unknown>;
  kill(): Promise<void>;
}

function startChild(args: string[]): Child {
  const proc = spawn(process.execPath, [childJs, ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
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
    pid: proc.pid,
    lines,
    waitForLines: (count) =>
      lines.length >= count
        ? Promise.resolve()
        : new Promise<void>((resolve, reject) => {
            waiters.push({ count, resolve });
            exited.then(() => reject(new Error(`child exited: ${lines.join(' | ')}`)), reject);
          }),
    send: (text) => proc.stdin.write(text),
    exited,
    async kill() {
      proc.kill('SIGKILL');
      await exited;
    },
  };
}

/** Every `enter` is followed by the `leave` of the same owner before anyone else enters. */
function expectTurns(log: string[], enter: string, leave: string): void {
  for (let i = 0; i < log.length; i += 2) {
    const [verb, who] = log[i]!.split(' ');
    expect(`${verb} at ${i}`).toBe(`${enter} at ${i}`);
    expect(log[i + 1]).toBe(`${leave} ${who}`);
  }
}

describe('two processes', () => {
  it('never hold the same lock at once', async () => {
    const log = join(dir, 'critical.log');
    const rounds = 15;
    const children = [0, 1].map(() =>
      startChild(['contend', dir, 'same-key', String(rounds), log]),
    );
    await Promise.all(children.map((child) => child.waitForLines(1)));
    for (const child of children) child.send('go\n');
    await Promise.all(children.map((child) => child.exited));
    for (const child of children) expect(child.lines).toEqual(['ready', 'done']);

    const lines = (await readFile(log, 'utf8')).trimEnd().split('\n');
    expect(lines).toHaveLength(4 * rounds);
    expectTurns(lines, 'enter', 'leave');
    for (const child of children) {
      expect(lines.filter((line) => line === `enter ${child.pid}`)).toHaveLength(rounds);
    }
  });

  it('asking for the same IID at once reach the service once; the other answers from history', async () => {
    const iid = '722119691970404081693740409628143723123533522755522747247236561';
    let cid = '';
    for (let g = 0; g < 8; g += 1) {
      const payload = String(12345 + g).padStart(5, '0');
      cid += payload + String(checkDigitFor(payload));
    }
    const log = join(dir, 'sent.log');
    const children = [0, 1].map(() => startChild(['request', dir, iid, cid, log]));
    await Promise.all(children.map((child) => child.waitForLines(1)));
    for (const child of children) child.send('go\n');
    await Promise.all(children.map((child) => child.exited));

    const answers = children.map((child) => child.lines[1]).sort();
    expect(answers).toEqual([`history ${cid}`, `service ${cid}`]);
    expect((await readFile(log, 'utf8')).split('\n').filter(Boolean)).toHaveLength(1);
    const history = (await readFile(join(dir, HISTORY_FILE_NAME), 'utf8')).split('\n');
    expect(history.filter((line) => line.includes('"type":"cid"'))).toHaveLength(1);
    const store = await openHistory(dir);
    expect(store.ok && store.value.findCid(iid, DEFAULT_PID)?.cid).toBe(cid);
    expect(await readdir(join(dir, 'locks'))).toEqual([]);
  });
});
