// Bundles the Node side: the Electron main process, the sandboxed preload (which may not
// require local files) and the command line, each into one CommonJS file that starts fast.
import { build } from 'esbuild';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'linked',
  logLevel: 'warning',
  legalComments: 'none',
  // undici is only loaded when a proxy is configured, so a plain start does not pay for it.
  external: ['electron', 'undici'],
};

await Promise.all([
  build({ ...common, entryPoints: ['electron/main/main.ts'], outfile: 'dist/electron/main.cjs' }),
  build({
    ...common,
    entryPoints: ['electron/preload/preload.ts'],
    outfile: 'dist/electron/preload.cjs',
  }),
  build({
    ...common,
    entryPoints: ['electron/cli/cli.ts'],
    outfile: 'dist/electron/cli.cjs',
    banner: { js: '#!/usr/bin/env node' },
  }),
]);
