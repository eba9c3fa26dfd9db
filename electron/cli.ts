/** Entry point of the `cid-desk` command line: wires the process to runCli. */
import os from 'node:os';
import { runCli } from './cli-run';
import { resolveDataDir } from './data-dir';

const controller = new AbortController();
let interrupts = 0;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    interrupts += 1;
    // The first Ctrl+C cancels (a request already sent is still awaited and recorded); a second
    // one leaves at once.
    if (interrupts > 1) process.exit(130);
    controller.abort();
  });
}

// A reader that goes away (`cid-desk batch … | head`) must not end the process while requests it
// started are still under way: their CIDs are still wanted in the history. Output simply stops.
const open = { stdout: true, stderr: true };
for (const name of ['stdout', 'stderr'] as const) {
  process[name].on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    open[name] = false;
  });
}

runCli(process.argv.slice(2), {
  stdout: (text) => {
    if (open.stdout) process.stdout.write(text);
  },
  stderr: (text) => {
    if (open.stderr) process.stderr.write(text);
  },
  env: process.env,
  signal: controller.signal,
  interactive: process.stderr.isTTY === true,
  readStdin: async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  },
  dataDir: resolveDataDir(process.env, process.platform, os.homedir(), process.cwd()),
}).then(
  (status) => {
    process.exitCode = status;
  },
  (error: unknown) => {
    process.stderr.write(`cid-desk: internal error: ${(error as Error)?.stack ?? String(error)}\n`);
    process.exitCode = 1;
  },
);
