/**
 * CID Desk's benchmarks: prints figures against their targets, never fails on a missed one.
 *
 *   node <bundle> <repo root> [protocol|cli|renderer|batch|history ...] [--json FILE]
 *
 * bench/run.mjs bundles this file and runs it; `npm run bench -- history` runs one benchmark.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, release, totalmem } from 'node:os';
import { benchBatch } from './batch';
import { benchCliStart } from './cli-start';
import { benchHistory } from './history';
import { benchProtocol } from './protocol';
import { benchRenderer } from './renderer';
import { formatFigure, msSince, type Figure } from './stats';

const BENCHMARKS = {
  protocol: { title: 'Build + sign a request, parse a response', run: () => benchProtocol() },
  cli: { title: 'cid-desk cold start to exit', run: (root: string) => benchCliStart(root) },
  renderer: { title: 'Renderer size and time to interactive', run: benchRenderer },
  batch: { title: 'Batch of 1,000 IIDs and client overhead', run: () => benchBatch() },
  history: { title: 'History with 100,000 entries', run: () => benchHistory() },
} satisfies Record<string, { title: string; run: (root: string) => Promise<Figure[]> | Figure[] }>;

type BenchmarkName = keyof typeof BENCHMARKS;

function isBenchmark(name: string): name is BenchmarkName {
  return Object.hasOwn(BENCHMARKS, name);
}

interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  chromium: string;
  loadAverage: number[];
}

function firstMatch(text: string, pattern: RegExp): string | undefined {
  return pattern.exec(text)?.[1]?.trim();
}

function readOr(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** What the figures were measured on. */
function describeMachine(): Machine {
  const chromium = spawnSync(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', ['--version'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const osName = firstMatch(readOr('/etc/os-release'), /^PRETTY_NAME="?([^"\n]*)"?$/m);
  return {
    cpu:
      firstMatch(readOr('/proc/cpuinfo'), /^model name\s*:\s*(.*)$/m) ??
      cpus()[0]?.model ??
      'unknown',
    cores: availableParallelism(),
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    os: `${osName ?? process.platform}, kernel ${release()}`,
    node: process.version,
    chromium: chromium.stdout?.trim() || 'not found',
    loadAverage: loadavg().map((n) => Math.round(n * 100) / 100),
  };
}

async function main(): Promise<number> {
  const [root, ...rest] = process.argv.slice(2);
  if (!root) throw new Error('Usage: main <repo root> [benchmark ...] [--json FILE]');
  const names: BenchmarkName[] = [];
  let jsonFile: string | undefined;
  for (let i = 0; i < rest.length; i += 1) {
    const arg = rest[i]!;
    if (arg === '--json') {
      jsonFile = rest[(i += 1)];
    } else if (isBenchmark(arg)) {
      names.push(arg);
    } else {
      console.error(
        `Unknown benchmark "${arg}". Choose from: ${Object.keys(BENCHMARKS).join(', ')}.`,
      );
      return 2;
    }
  }
  const selected = names.length > 0 ? names : (Object.keys(BENCHMARKS) as BenchmarkName[]);

  const machine = describeMachine();
  console.log('CID Desk benchmarks');
  console.log(`  CPU       ${machine.cpu} x ${machine.cores}`);
  console.log(`  memory    ${machine.memoryGiB} GiB`);
  console.log(`  OS        ${machine.os}`);
  console.log(`  Node      ${machine.node}`);
  console.log(`  Chromium  ${machine.chromium}`);
  console.log(`  load avg  ${machine.loadAverage.join(' ')} (1, 5, 15 min) at start`);

  const figures: Figure[] = [];
  let failures = 0;
  const started = process.hrtime.bigint();
  for (const name of selected) {
    const benchmark = BENCHMARKS[name];
    console.log(`\n${name}: ${benchmark.title}`);
    const start = process.hrtime.bigint();
    try {
      const results = await benchmark.run(root);
      for (const figure of results) console.log(formatFigure(figure));
      figures.push(...results);
    } catch (error) {
      failures += 1;
      console.error(`  could not run: ${error instanceof Error ? error.message : String(error)}`);
    }
    console.log(`  (${(msSince(start) / 1000).toFixed(1)} s)`);
  }
  const end = loadavg().map((n) => Math.round(n * 100) / 100);
  console.log(
    `\nDone in ${(msSince(started) / 1000).toFixed(1)} s; load avg ${end.join(' ')} at the end.`,
  );
  const missed = figures.filter((figure) => figure.met === false);
  if (missed.length > 0) {
    console.log(`Targets missed: ${missed.map((figure) => figure.name).join('; ')}`);
  }
  if (jsonFile) {
    writeFileSync(
      jsonFile,
      `${JSON.stringify({ machine, loadAverageAtEnd: end, figures }, null, 2)}\n`,
    );
  }
  // A missed target is a figure, not a failure; only a benchmark that could not run fails.
  return failures > 0 ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
