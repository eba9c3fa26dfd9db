// Runs the benchmarks: bundles bench/main.ts with esbuild into a temporary folder and runs the
// bundle with node, so no TypeScript loader is needed.
//
//   npm run bench                      every benchmark
//   npm run bench -- history batch     some of them (protocol, cli, renderer, batch, history)
//   npm run bench -- --json out.json   also write the figures as JSON
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const work = await mkdtemp(join(tmpdir(), 'cid-desk-bench-'));
let status;
try {
  const outfile = join(work, 'bench.mjs');
  await build({
    entryPoints: [join(root, 'bench', 'main.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile,
    logLevel: 'warning',
  });
  const run = spawnSync(process.execPath, [outfile, root, ...process.argv.slice(2)], {
    cwd: root,
    stdio: 'inherit',
  });
  status = run.status ?? 1;
} finally {
  await rm(work, { recursive: true, force: true });
}
process.exitCode = status;
