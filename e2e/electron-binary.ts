import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The Electron executable installed for this checkout, or null when there is none. It looks
 * where the `electron` package keeps its runtime without loading that package, which would
 * start a download of the runtime.
 */
export function findElectronBinary(root = process.cwd()): string | null {
  const packageDir = path.join(root, 'node_modules', 'electron');
  let relative: string;
  try {
    relative = readFileSync(path.join(packageDir, 'path.txt'), 'utf8').trim();
  } catch {
    relative = process.platform === 'win32' ? 'electron.exe' : 'electron';
  }
  const distDir = process.env.ELECTRON_OVERRIDE_DIST_PATH ?? path.join(packageDir, 'dist');
  const binary = path.join(distDir, relative);
  return existsSync(binary) ? binary : null;
}
