/** Entry point of the `cid-desk` command line: wires the process to runCli. */
import os from 'node:os';
import { runCli } from './cli-run';
import { EXIT } from './cli-output';
import { resolveDataDir } from '../storage/data-dir';

const controller = new AbortController();

// Ctrl+C, a kill, Ctrl+Break on Windows: the first cancels (a request already sent is still
// awaited and recorded); a second one leaves at once.
let interrupts = 0;
const INTERRUPTS: NodeJS.Signals[] =
  process.platform === 'win32' ? ['SIGINT', 'SIGTERM', 'SIGBREAK'] : ['SIGINT', 'SIGTERM'];
for (const signal of INTERRUPTS) {
  process.on(signal, () => {
    interrupts += 1;
    if (interrupts > 1) process.exit(130);
    controller.abort();
  });
}

// A closed terminal or a dropped SSH session would end the process by default, and with it the
// answer to a request already sent: it cancels like the first Ctrl+C instead. It never counts as a
// second one, as it may come more than once and no one is left to choose to quit.
process.on('SIGHUP', () => controller.abort());

type StreamName = 'stdout' | 'stderr';

/**
 * The first failure of each output stream. Whatever it is (a reader that went away, as in
 * `cid-desk batch … | head`, a full disk, a terminal that closed), nothing is thrown: the process
 * must live on until the requests it sent are answered and their CIDs are in the history. Output
 * to that stream stops, nothing more is sent (no one would see its answer), and the exit status
 * becomes 1.
 */
const failed: Partial<Record<StreamName, NodeJS.ErrnoException>> = {};

function streamFailed(name: StreamName, error: NodeJS.ErrnoException): void {
  if (failed[name]) return;
  failed[name] = error;
  controller.abort();
  // A reader that stopped reading (EPIPE) chose to: telling it so would only be noise.
  if (name === 'stdout' && error.code !== 'EPIPE') {
    write(
      'stderr',
      `cid-desk: standard output could not be written (${error.code ?? error.message}). Nothing more is sent; the answers to requests already sent are still kept in the history ("cid-desk history" lists them).\n`,
    );
  }
}

function write(name: StreamName, text: string): void {
  if (failed[name]) return;
  try {
    process[name].write(text);
  } catch (error) {
    streamFailed(name, error as NodeJS.ErrnoException);
  }
}

for (const name of ['stdout', 'stderr'] as const) {
  process[name].on('error', (error: NodeJS.ErrnoException) => streamFailed(name, error));
}

runCli(process.argv.slice(2), {
  stdout: (text) => write('stdout', text),
  stderr: (text) => write('stderr', text),
  env: process.env,
  signal: controller.signal,
  interactive: process.stderr.isTTY === true,
  readStdin: async (maxBytes) => {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of process.stdin) {
      chunks.push(chunk as Buffer);
      size += (chunk as Buffer).length;
      // Enough to know it is too large: the rest is never held in memory.
      if (size > maxBytes) break;
    }
    return Buffer.concat(chunks);
  },
  dataDir: resolveDataDir(process.env, process.platform, os.homedir(), process.cwd()),
}).then(
  (status) => {
    process.exitCode = failed.stdout || failed.stderr ? EXIT.internal : status;
  },
  (error: unknown) => {
    write('stderr', `cid-desk: internal error: ${(error as Error)?.stack ?? String(error)}\n`);
    process.exitCode = EXIT.internal;
  },
);
