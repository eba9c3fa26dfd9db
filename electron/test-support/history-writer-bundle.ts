import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/**
 * Bundles history-writer-child.ts into a temporary folder so tests can run it as a real second
 * process with plain node; `remove` deletes the folder.
 */
export async function bundleHistoryWriter(): Promise<{ path: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'cid-desk-child-'));
  const path = join(dir, 'history-writer-child.mjs');
  await build({
    entryPoints: [fileURLToPath(new URL('./history-writer-child.ts', import.meta.url))],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: path,
    logLevel: 'silent',
  });
  return { path, remove: () => rm(dir, { recursive: true, force: true }) };
}
