import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { mkdir, open, rename, unlink, readFile, stat } from 'node:fs/promises';
import path from 'node:path';

/** What a JSON file on disk turned out to hold. */
export type JsonRead =
  { kind: 'missing' } | { kind: 'ok'; value: unknown } | { kind: 'damaged'; reason: string };

/** The largest JSON file we agree to parse; ours are a few hundred bytes. */
const MAX_BYTES = 1024 * 1024;

function serialize(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

function tempNameFor(file: string): string {
  // Same folder as the target, so the final rename never crosses file systems.
  return path.join(
    path.dirname(file),
    `.${path.basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`,
  );
}

/**
 * Reads and parses a JSON file; a missing file and a damaged one (not JSON, too long, a folder)
 * are told apart, never thrown. A file that cannot be read (EACCES, EPERM, EBUSY...) throws: it
 * may be fine, so the caller decides, and must not treat it as damaged.
 */
export async function readJsonFile(file: string): Promise<JsonRead> {
  let text: string;
  try {
    const info = await stat(file);
    if (!info.isFile()) return { kind: 'damaged', reason: 'it is not a regular file' };
    if (info.size > MAX_BYTES) return { kind: 'damaged', reason: `it is ${info.size} bytes long` };
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return { kind: 'missing' };
    throw error;
  }
  try {
    return { kind: 'ok', value: JSON.parse(text) as unknown };
  } catch (error) {
    return { kind: 'damaged', reason: `it is not valid JSON (${(error as Error).message})` };
  }
}

/**
 * Writes `value` as JSON so that a crash or power cut leaves either the old file or the new one,
 * never a half-written mix: temp file in the same folder, fsync, then rename over the target.
 */
export async function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const temp = tempNameFor(file);
  try {
    const handle = await open(temp, 'wx', 0o600);
    try {
      await handle.writeFile(serialize(value), 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await syncFolder(path.dirname(file));
}

/** The synchronous twin of writeJsonAtomic, for the moment a window closes and the app may exit. */
export function writeJsonAtomicSync(file: string, value: unknown): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temp = tempNameFor(file);
  try {
    const fd = fs.openSync(temp, 'wx', 0o600);
    try {
      fs.writeFileSync(fd, serialize(value), 'utf8');
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temp, file);
  } catch (error) {
    try {
      fs.unlinkSync(temp);
    } catch {
      // The temp file was never created, or is already gone.
    }
    throw error;
  }
}

/**
 * Renames a damaged file to `<name>.damaged-<timestamp>` beside it so nothing the user had is
 * lost; returns the new path.
 */
export async function moveAside(file: string, now: Date): Promise<string> {
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  for (let attempt = 0; ; attempt += 1) {
    const target = `${file}.damaged-${stamp}${attempt === 0 ? '' : `-${attempt}`}`;
    // rename() would silently replace an earlier copy on POSIX, so pick a name that is free.
    const taken = await stat(target).then(
      () => true,
      () => false,
    );
    if (taken) continue;
    await rename(file, target);
    return target;
  }
}

async function syncFolder(folder: string): Promise<void> {
  // Makes the rename itself durable on POSIX; Windows cannot open a folder for fsync.
  if (process.platform === 'win32') return;
  try {
    const handle = await open(folder, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Some file systems refuse fsync on a folder; the data itself is already on disk.
  }
}

/** Whether `error` is a Node system error with the given code. */
export function isErrno(error: unknown, code: string): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    'code' in error &&
    (error as { code: unknown }).code === code
  );
}
