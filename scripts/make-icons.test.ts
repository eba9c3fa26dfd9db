import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..');
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Width and height from a PNG's IHDR chunk; throws when the bytes are not a PNG. */
function pngSize(png: Buffer): { width: number; height: number } {
  if (!png.subarray(0, 8).equals(PNG_SIGNATURE)) throw new Error('not a PNG');
  if (png.toString('latin1', 12, 16) !== 'IHDR') throw new Error('PNG without IHDR first');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

const read = (name: string) => readFile(path.join(ROOT, 'build', name));

describe('build/icon.png', () => {
  it('is a 1024 x 1024 PNG', async () => {
    expect(pngSize(await read('icon.png'))).toEqual({ width: 1024, height: 1024 });
  });
});

describe('build/icon.ico', () => {
  it('has a well-formed directory of PNG images from 16 to 256 px, laid end to end', async () => {
    const ico = await read('icon.ico');
    expect([ico.readUInt16LE(0), ico.readUInt16LE(2)]).toEqual([0, 1]);
    const count = ico.readUInt16LE(4);
    let expectedOffset = 6 + 16 * count;
    const sizes: number[] = [];
    for (let i = 0; i < count; i += 1) {
      const entry = 6 + 16 * i;
      const width = ico.readUInt8(entry) || 256;
      const height = ico.readUInt8(entry + 1) || 256;
      expect([ico.readUInt8(entry + 2), ico.readUInt8(entry + 3)]).toEqual([0, 0]);
      expect([ico.readUInt16LE(entry + 4), ico.readUInt16LE(entry + 6)]).toEqual([1, 32]);
      const length = ico.readUInt32LE(entry + 8);
      const offset = ico.readUInt32LE(entry + 12);
      expect(offset).toBe(expectedOffset);
      expect(pngSize(ico.subarray(offset, offset + length))).toEqual({ width, height });
      expect(width).toBe(height);
      sizes.push(width);
      expectedOffset = offset + length;
    }
    expect(expectedOffset).toBe(ico.length);
    expect(sizes).toEqual([16, 24, 32, 48, 64, 128, 256]);
  });
});

describe('build/icon.icns', () => {
  it('has a well-formed list of PNG entries, each of the size its type demands', async () => {
    const icns = await read('icon.icns');
    expect(icns.toString('latin1', 0, 4)).toBe('icns');
    expect(icns.readUInt32BE(4)).toBe(icns.length);
    const sizeOf: Record<string, number> = {
      icp4: 16,
      icp5: 32,
      icp6: 64,
      ic07: 128,
      ic08: 256,
      ic09: 512,
      ic10: 1024,
      ic11: 32,
      ic12: 64,
      ic13: 256,
      ic14: 512,
    };
    const types: string[] = [];
    for (let offset = 8; offset < icns.length;) {
      const type = icns.toString('latin1', offset, offset + 4);
      const length = icns.readUInt32BE(offset + 4);
      expect(length).toBeGreaterThan(8);
      expect(offset + length).toBeLessThanOrEqual(icns.length);
      const side = sizeOf[type];
      expect(side, `entry type ${type}`).toBeDefined();
      expect(pngSize(icns.subarray(offset + 8, offset + length))).toEqual({
        width: side,
        height: side,
      });
      types.push(type);
      offset += length;
    }
    expect(types.sort()).toEqual(Object.keys(sizeOf).sort());
  });
});

describe('scripts/make-icons.mjs --check', () => {
  it('finds the committed icons up to date with build/icon.svg', async () => {
    const run = promisify(execFile);
    await expect(
      run(process.execPath, [path.join(ROOT, 'scripts', 'make-icons.mjs'), '--check'], {
        cwd: ROOT,
      }),
    ).resolves.toMatchObject({ stderr: '' });
  });
});
