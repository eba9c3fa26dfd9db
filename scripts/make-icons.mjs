// Renders build/icon.svg into the packaging icons: build/icon.png (1024 px), build/icon.ico
// (Windows) and build/icon.icns (macOS), with small encoders of our own for both containers.
// `node scripts/make-icons.mjs --check` writes nothing and fails when a committed icon is stale.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Resvg } from '@resvg/resvg-js';

const BUILD = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'build');

/** Windows picks the nearest of these for title bars, taskbar, Explorer and the installer. */
const ICO_SIZES = [16, 24, 32, 48, 64, 128, 256];

/** ICNS entry types holding PNG data, and the pixel size each one must have. */
const ICNS_ENTRIES = [
  ['icp4', 16],
  ['icp5', 32],
  ['icp6', 64],
  ['ic07', 128],
  ['ic08', 256],
  ['ic09', 512],
  ['ic10', 1024], // 512 pt @2x
  ['ic11', 32], // 16 pt @2x
  ['ic12', 64], // 32 pt @2x
  ['ic13', 256], // 128 pt @2x
  ['ic14', 512], // 256 pt @2x
];

/**
 * macOS draws app icons on an 824 px body within the 1024 px canvas, leaving room around it; the
 * SVG's 960 px body is fitted to that by widening the view box.
 */
function withMacMargin(svg) {
  const view = (1024 * 960) / 824;
  const offset = (1024 - view) / 2;
  const box = `${offset.toFixed(3)} ${offset.toFixed(3)} ${view.toFixed(3)} ${view.toFixed(3)}`;
  const result = svg.replace(/viewBox="0 0 1024 1024"/, `viewBox="${box}"`);
  if (result === svg) throw new Error('build/icon.svg must have viewBox="0 0 1024 1024"');
  return result;
}

function renderer(svg) {
  const cache = new Map();
  return (size) => {
    if (!cache.has(size)) {
      const options = { fitTo: { mode: 'width', value: size }, font: { loadSystemFonts: false } };
      cache.set(size, Buffer.from(new Resvg(svg, options).render().asPng()));
    }
    return cache.get(size);
  };
}

/** An ICO file holding PNG images (supported by Windows since Vista). */
export function encodeIco(images) {
  const header = Buffer.alloc(6 + 16 * images.length);
  header.writeUInt16LE(0, 0); // reserved
  header.writeUInt16LE(1, 2); // 1 = icon
  header.writeUInt16LE(images.length, 4);
  let offset = header.length;
  images.forEach(({ size, png }, index) => {
    const entry = 6 + 16 * index;
    header.writeUInt8(size >= 256 ? 0 : size, entry); // 0 means 256
    header.writeUInt8(size >= 256 ? 0 : size, entry + 1);
    header.writeUInt8(0, entry + 2); // no palette
    header.writeUInt8(0, entry + 3); // reserved
    header.writeUInt16LE(1, entry + 4); // colour planes
    header.writeUInt16LE(32, entry + 6); // bits per pixel
    header.writeUInt32LE(png.length, entry + 8);
    header.writeUInt32LE(offset, entry + 12);
    offset += png.length;
  });
  return Buffer.concat([header, ...images.map(({ png }) => png)]);
}

/** An ICNS file: big-endian 'icns' + total length, then type + length + data per entry. */
export function encodeIcns(entries) {
  const parts = entries.map(({ type, png }) => {
    const head = Buffer.alloc(8);
    head.write(type, 0, 'latin1');
    head.writeUInt32BE(8 + png.length, 4);
    return Buffer.concat([head, png]);
  });
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'latin1');
  head.writeUInt32BE(8 + parts.reduce((sum, part) => sum + part.length, 0), 4);
  return Buffer.concat([head, ...parts]);
}

async function main() {
  const check = process.argv.includes('--check');
  const svg = await readFile(path.join(BUILD, 'icon.svg'), 'utf8');
  const flat = renderer(svg);
  const mac = renderer(withMacMargin(svg));
  const outputs = {
    'icon.png': flat(1024),
    'icon.ico': encodeIco(ICO_SIZES.map((size) => ({ size, png: flat(size) }))),
    'icon.icns': encodeIcns(ICNS_ENTRIES.map(([type, size]) => ({ type, png: mac(size) }))),
  };
  const stale = [];
  for (const [name, bytes] of Object.entries(outputs)) {
    const file = path.join(BUILD, name);
    if (check) {
      const current = await readFile(file).catch(() => null);
      if (current === null || !current.equals(bytes)) stale.push(name);
    } else {
      await writeFile(file, bytes);
      console.log(`build/${name}: ${bytes.length} bytes`);
    }
  }
  if (stale.length > 0) {
    console.error(
      `Out of date with build/icon.svg: ${stale.join(', ')}. Run npm run icons and commit the result.`,
    );
    process.exitCode = 1;
  }
}

await main();
