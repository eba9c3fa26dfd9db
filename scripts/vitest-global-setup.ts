import { execFileSync } from 'node:child_process';

/** Tests run the CLI and load the preload as users get them, so the Node bundles are built first. */
export default function setup(): void {
  execFileSync(process.execPath, ['scripts/build-node.mjs'], { stdio: 'inherit' });
}
