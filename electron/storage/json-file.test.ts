import { mkdtemp, readdir, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { moveAside, readJsonFile, writeJsonAtomic, writeJsonAtomicSync } from './json-file';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'cid-desk-json-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writeJsonAtomic', () => {
  it('writes pretty JSON with a final newline and leaves no temp file behind', async () => {
    const file = path.join(dir, 'nested', 'a.json');
    await writeJsonAtomic(file, { b: 1, c: [true] });
    expect(await readFile(file, 'utf8')).toBe('{\n  "b": 1,\n  "c": [\n    true\n  ]\n}\n');
    expect(await readdir(path.dirname(file))).toEqual(['a.json']);
  });

  it('replaces an existing file whole', async () => {
    const file = path.join(dir, 'a.json');
    await writeFile(file, '{"old": "a much longer content than the new one"}');
    await writeJsonAtomic(file, 1);
    expect(await readFile(file, 'utf8')).toBe('1\n');
  });

  it('cleans up its temp file and rejects when the target cannot be replaced', async () => {
    const file = path.join(dir, 'a.json');
    await mkdir(path.join(file, 'inside'), { recursive: true });
    await expect(writeJsonAtomic(file, 1)).rejects.toThrow();
    expect(await readdir(dir)).toEqual(['a.json']);
  });
});

describe('writeJsonAtomicSync', () => {
  it('writes the same bytes as the asynchronous version', async () => {
    writeJsonAtomicSync(path.join(dir, 'deep', 's.json'), { x: 'ü' });
    expect(await readFile(path.join(dir, 'deep', 's.json'), 'utf8')).toBe('{\n  "x": "ü"\n}\n');
    expect(await readdir(path.join(dir, 'deep'))).toEqual(['s.json']);
  });
});

describe('readJsonFile', () => {
  it('tells a missing file, a good one and a damaged one apart', async () => {
    const file = path.join(dir, 'a.json');
    expect(await readJsonFile(file)).toEqual({ kind: 'missing' });
    await writeFile(file, '{"a": [1, null]}');
    expect(await readJsonFile(file)).toEqual({ kind: 'ok', value: { a: [1, null] } });
    await writeFile(file, '{"a": ');
    const damaged = await readJsonFile(file);
    expect(damaged.kind).toBe('damaged');
    expect(damaged.kind === 'damaged' && damaged.reason).toMatch(/^it is not valid JSON \(/);
  });

  it('refuses a folder and an oversized file without reading them as JSON', async () => {
    await mkdir(path.join(dir, 'folder.json'));
    expect(await readJsonFile(path.join(dir, 'folder.json'))).toEqual({
      kind: 'damaged',
      reason: 'it is not a regular file',
    });
    await writeFile(path.join(dir, 'big.json'), ' '.repeat(1024 * 1024 + 1));
    expect(await readJsonFile(path.join(dir, 'big.json'))).toEqual({
      kind: 'damaged',
      reason: 'it is 1048577 bytes long',
    });
  });
});

describe('moveAside', () => {
  it('renames with a timestamp suffix and never overwrites an earlier copy', async () => {
    const file = path.join(dir, 'settings.json');
    const now = new Date('2025-03-04T05:06:07.089Z');
    await writeFile(file, 'first');
    const first = await moveAside(file, now);
    await writeFile(file, 'second');
    const second = await moveAside(file, now);
    expect(path.basename(first)).toBe('settings.json.damaged-2025-03-04T05-06-07-089Z');
    expect(path.basename(second)).toBe('settings.json.damaged-2025-03-04T05-06-07-089Z-1');
    expect(await readFile(first, 'utf8')).toBe('first');
    expect(await readFile(second, 'utf8')).toBe('second');
    expect((await readdir(dir)).sort()).toEqual([path.basename(first), path.basename(second)]);
  });
});
