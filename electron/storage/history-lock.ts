/**
 * Locks shared by every CID Desk process on a data folder (the app and the `cid-desk` command
 * may run at once), and an in-process merge of concurrent calls.
 *
 * A lock is a file in `<dir>/locks/`, created with exclusive creation ('wx'), so exactly one
 * process wins. It holds the owner's pid, host name, start time and a random token. While held,
 * its modification time is touched every `staleMs / 4`, so a lock whose file has not been touched
 * for `staleMs` belongs to a process that died or hangs, even on another host (a data folder on a
 * network share) where the pid cannot be checked. On the owner's own host a dead pid breaks the
 * lock at once.
 */
import { createHash, randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { link, mkdir, open, readFile, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fail, makeError, ok, type CidDeskError, type Result } from '../../shared/errors';

export const LOCKS_DIR_NAME = 'locks';

export interface LockOptions {
  /** How long to wait for another holder before giving up with a 'storage' error. */
  timeoutMs?: number;
  /**
   * A lock file untouched for this long is taken to be abandoned and is broken. Everyone using a
   * key must agree on it: a holder touches its file every `staleMs / 4` of its own value.
   */
  staleMs?: number;
  /** First pause between attempts; it grows to `maxPollMs`. */
  pollMs?: number;
  maxPollMs?: number;
  /** Stops waiting; the result is then a 'network' error with cause 'cancelled'. */
  signal?: AbortSignal;
  /** The error to give when the wait times out, in the caller's words; a generic one otherwise. */
  busyError?: (info: { path: string; timeoutMs: number; owner?: LockOwner }) => CidDeskError;
}

export const DEFAULT_LOCK_TIMEOUT_MS = 60_000;
export const DEFAULT_LOCK_STALE_MS = 30_000;
/** A lock on this computer whose process still runs counts as held unless it is older than this. */
const SAME_HOST_MAX_AGE_MS = 60 * 60 * 1000;

/**
 * The tokens of the locks this process holds or is taking. A lock file that names this process
 * but none of these tokens was left by an earlier process that had the same pid (after a crash and
 * a restart, common on Windows): no one holds it. Kept on the global object, so that two copies of
 * this module in one process (a bundle and its source) agree.
 */
const ownTokens = ((globalThis as Record<symbol, Set<string> | undefined>)[
  Symbol.for('cid-desk.history-lock.tokens')
] ??= new Set<string>());

/** A lock this process holds. */
export interface HeldLock {
  readonly path: string;
  /** Releases the lock; safe to call twice. Leaves alone a lock that was broken and taken by another. */
  release(): Promise<void>;
}

/** What a lock file says about its owner. */
export interface LockOwner {
  pid: number;
  host: string;
  /** When the lock was taken, ISO 8601 UTC. */
  at: string;
  token: string;
}

/** The lock file for a key: the key is hashed so that any text gives a safe file name on every OS. */
export function lockPathFor(dir: string, key: string): string {
  const digest = createHash('sha256').update(key, 'utf8').digest('hex').slice(0, 40);
  return join(dir, LOCKS_DIR_NAME, `${digest}.lock`);
}

/**
 * Takes the inter-process lock for `key` in the data folder `dir`, waiting with a short growing
 * pause while another process holds it, and breaking it when its owner is gone.
 */
export async function acquireLock(
  dir: string,
  key: string,
  options: LockOptions = {},
): Promise<Result<HeldLock>> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS;
  const staleMs = options.staleMs ?? DEFAULT_LOCK_STALE_MS;
  let pause = options.pollMs ?? 10;
  const maxPause = options.maxPollMs ?? 200;
  const path = lockPathFor(dir, key);
  const deadline = Date.now() + timeoutMs;
  let quickRetries = 0;

  try {
    await mkdir(join(dir, LOCKS_DIR_NAME), { recursive: true });
  } catch (error) {
    return fail(lockStorageError(path, error));
  }

  for (;;) {
    if (options.signal?.aborted) return fail(cancelledError());
    const owner: LockOwner = {
      pid: process.pid,
      host: hostname(),
      at: new Date().toISOString(),
      token: randomUUID(),
    };
    // Known before the file exists: a waiter in this process must never take it for a leftover.
    ownTokens.add(owner.token);
    const created = await tryCreate(path, owner);
    if (created.kind === 'created') return ok(holdLock(path, owner.token, staleMs));
    ownTokens.delete(owner.token);
    if (created.kind === 'failed') return fail(lockStorageError(path, created.error));

    const state = await inspect(path, staleMs);
    // 'gone' right after a refused create is normally a holder releasing; on Windows a folder the
    // user may not write to also gives EPERM then ENOENT, so the deadline is checked every round.
    const retryNow =
      state.kind === 'gone' || (state.kind === 'stale' && (await breakLock(path, state, staleMs)));
    quickRetries = retryNow ? quickRetries + 1 : 0;
    if (retryNow && quickRetries <= 3 && Date.now() < deadline) continue;
    if (Date.now() >= deadline) {
      const owner = state.kind === 'held' ? state.owner : undefined;
      const busy = options.busyError ?? timeoutError;
      return fail(busy({ path, timeoutMs, ...(owner ? { owner } : {}) }));
    }
    // Jitter keeps two waiters from retrying in lockstep.
    const wait = Math.min(pause, Math.max(1, deadline - Date.now())) * (0.75 + Math.random() / 2);
    if (!(await sleep(wait, options.signal))) return fail(cancelledError());
    pause = Math.min(maxPause, pause * 1.5);
  }
}

/**
 * Runs `fn` while holding the lock for `key`, and releases it afterwards, also when `fn` throws
 * (the exception then propagates: it is a bug, not an outcome).
 */
export async function withLock<T>(
  dir: string,
  key: string,
  fn: () => Promise<T>,
  options: LockOptions = {},
): Promise<Result<T>> {
  const lock = await acquireLock(dir, key, options);
  if (!lock.ok) return lock;
  try {
    return ok(await fn());
  } finally {
    await lock.value.release();
  }
}

// ---------------------------------------------------------------------------------------------

type CreateOutcome = { kind: 'created' } | { kind: 'busy' } | { kind: 'failed'; error: unknown };

async function tryCreate(path: string, owner: LockOwner): Promise<CreateOutcome> {
  // The lock appears whole or not at all: the owner is written to a file of its own first, then
  // linked to the lock's name, which fails if the lock exists. A lock created empty and filled
  // afterwards would, if its process died in between, hold no owner to judge by, and every
  // waiter would wait for its age (DEFAULT_LOCK_STALE_MS) instead of seeing it abandoned at once.
  const draft = `${path}.${owner.token}.draft`;
  try {
    await writeFile(draft, ownerLine(owner), { encoding: 'utf8', flag: 'wx' });
  } catch (error) {
    return { kind: 'failed', error };
  }
  try {
    await link(draft, path);
    return { kind: 'created' };
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return { kind: 'busy' };
    // A file system without hard links (FAT, some network shares): create the lock in place.
    return await createInPlace(path, owner);
  } finally {
    await unlink(draft).catch(() => undefined);
  }
}

/** What a lock file holds: its owner, as one line of JSON. */
function ownerLine(owner: LockOwner): string {
  return `${JSON.stringify(owner)}\n`;
}

async function createInPlace(path: string, owner: LockOwner): Promise<CreateOutcome> {
  let handle;
  try {
    handle = await open(path, 'wx');
  } catch (error) {
    const code = errorCode(error);
    if (code === 'EEXIST') return { kind: 'busy' };
    // Windows refuses to create a file whose previous version is still being deleted.
    if (code === 'EPERM' && process.platform === 'win32') return { kind: 'busy' };
    return { kind: 'failed', error };
  }
  try {
    await handle.writeFile(ownerLine(owner), 'utf8');
    await handle.close();
    return { kind: 'created' };
  } catch (error) {
    await handle.close().catch(() => undefined);
    await unlink(path).catch(() => undefined);
    return { kind: 'failed', error };
  }
}

type LockState =
  | { kind: 'gone' }
  | { kind: 'held'; owner: LockOwner | undefined }
  | { kind: 'stale'; content: string; touched: number };

async function inspect(path: string, staleMs: number): Promise<LockState> {
  let content: string;
  let touched: number;
  try {
    content = await readFile(path, 'utf8');
    touched = (await stat(path)).mtimeMs;
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return { kind: 'gone' };
    // Unreadable for a moment (Windows, mid-delete): judge it on the next round.
    return { kind: 'held', owner: undefined };
  }
  const owner = parseOwner(content);
  if (owner && owner.host === hostname()) {
    // On this computer the owner's process tells for certain. Its file time is no guide: a clock
    // step or a laptop waking from sleep makes a live holder's lock look old, and breaking it
    // would let a second request for the same IID go out. Only a lock far older than any request
    // can take belongs to a process whose number has since been reused, unless that process is
    // this one: then its own tokens tell at once.
    const leftHere = owner.pid === process.pid && !ownTokens.has(owner.token);
    const abandoned =
      leftHere || !processAlive(owner.pid) || Date.now() - touched > SAME_HOST_MAX_AGE_MS;
    return abandoned ? { kind: 'stale', content, touched } : { kind: 'held', owner };
  }
  if (Date.now() - touched > staleMs) return { kind: 'stale', content, touched };
  // An empty or unreadable file is a lock being written right now, or one written by a process
  // that died before finishing: its age settles which.
  return { kind: 'held', owner };
}

/**
 * Removes an abandoned lock without removing a fresh one by mistake. Two waiters may both find the
 * same lock abandoned; if the first removes it and a third process takes the lock at once, the
 * second must not remove that new lock. So breaking needs a second exclusive file (the guard):
 * only the guard's holder may remove the lock, and only after reading it again and finding the
 * same abandoned content.
 */
async function breakLock(
  path: string,
  stale: { content: string; touched: number },
  staleMs: number,
): Promise<boolean> {
  const guard = `${path}.break`;
  let handle;
  try {
    handle = await open(guard, 'wx');
  } catch (error) {
    if (errorCode(error) === 'EEXIST') await clearAbandonedGuard(guard, staleMs);
    return false;
  }
  try {
    await handle.writeFile(`${JSON.stringify({ pid: process.pid, host: hostname() })}\n`);
    await handle.close();
    const current = await readFile(path, 'utf8').catch(() => undefined);
    if (current === undefined) return true;
    if (current !== stale.content) return false;
    // Refreshed since it was judged: its holder is alive after all.
    const touched = await stat(path).then(
      (info) => info.mtimeMs,
      () => undefined,
    );
    if (touched !== stale.touched) return touched === undefined;
    await unlink(path);
    return true;
  } catch {
    return false;
  } finally {
    await handle.close().catch(() => undefined);
    await unlink(guard).catch(() => undefined);
  }
}

/** A guard is held for milliseconds; one left behind by a process that died is removed. */
async function clearAbandonedGuard(guard: string, staleMs: number): Promise<void> {
  try {
    const [content, info] = await Promise.all([readFile(guard, 'utf8'), stat(guard)]);
    const owner = parseOwner(content, false);
    const deadHere = owner && owner.host === hostname() && !processAlive(owner.pid);
    if (deadHere || Date.now() - info.mtimeMs > Math.min(staleMs, 5_000)) await unlink(guard);
  } catch {
    // Already gone, or another waiter is clearing it.
  }
}

function holdLock(path: string, token: string, staleMs: number): HeldLock {
  const beat = setInterval(
    () => {
      const now = new Date();
      utimes(path, now, now).catch(() => undefined);
    },
    Math.max(5, Math.floor(staleMs / 4)),
  );
  // The heartbeat must not keep a finished command alive.
  beat.unref();
  let released = false;
  return {
    path,
    async release() {
      if (released) return;
      released = true;
      clearInterval(beat);
      const content = await readFile(path, 'utf8').catch(() => undefined);
      if (content !== undefined && parseOwner(content)?.token === token) {
        await unlink(path).catch(() => undefined);
      }
      ownTokens.delete(token);
    },
  };
}

function parseOwner(content: string, needToken = true): LockOwner | undefined {
  try {
    const value: unknown = JSON.parse(content);
    if (value === null || typeof value !== 'object') return undefined;
    const o = value as Record<string, unknown>;
    if (!Number.isSafeInteger(o.pid) || typeof o.host !== 'string') return undefined;
    if (needToken && (typeof o.token !== 'string' || typeof o.at !== 'string')) return undefined;
    return {
      pid: o.pid as number,
      host: o.host,
      at: typeof o.at === 'string' ? o.at : '',
      token: typeof o.token === 'string' ? o.token : '',
    };
  } catch {
    return undefined;
  }
}

/** Whether a process with this pid exists on this host; EPERM means it exists but is not ours. */
export function processAlive(pid: number): boolean {
  if (pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errorCode(error) === 'EPERM';
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) {
      resolve(false);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The `code` of a Node system error, such as 'ENOENT'. */
export function errorCode(error: unknown): string | undefined {
  if (error !== null && typeof error === 'object' && 'code' in error) {
    const code = (error as { code: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}

function lockStorageError(path: string, error: unknown): CidDeskError {
  return makeError(
    'storage',
    `CID Desk cannot create its lock file ${path} (${errorCode(error) ?? 'unknown error'}), so it cannot make sure that no other CID Desk sends the same request at the same time.`,
    'Check that the CID Desk data folder exists, is a folder, and that you may write to it and the disk is not full. Nothing was sent.',
    { detail: error instanceof Error ? error.message : String(error) },
  );
}

function timeoutError({
  path,
  timeoutMs,
  owner,
}: {
  path: string;
  timeoutMs: number;
  owner?: LockOwner;
}): CidDeskError {
  const seconds = Math.round(timeoutMs / 100) / 10;
  const who = owner ? ` (process ${owner.pid} on ${owner.host}, since ${owner.at})` : '';
  return makeError(
    'storage',
    `Another CID Desk window or cid-desk command${who} is still working on the same request and did not finish within ${seconds} second${seconds === 1 ? '' : 's'}. Nothing was sent, so no activation was used.`,
    `Wait for the other request to finish, then try again: its result will be in the history. If no other CID Desk is running, delete the file ${path}.`,
  );
}

function cancelledError(): CidDeskError {
  return makeError(
    'network',
    'The request was cancelled while it waited for another CID Desk request for the same Installation ID.',
    'Nothing was sent, so no activation was used. Start the request again when you are ready.',
    { cause: 'cancelled', mayHaveReachedService: false },
  );
}
