/**
 * `cid-desk` from process start to exit, as a user or a script runs it: `--version`, and
 * `get <IID> --demo`, which starts the built-in simulator, sends one signed request over
 * loopback HTTP, parses the answer and writes it to a fresh history. Node's own empty start is
 * measured alongside as the floor no command can go below.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SAMPLE_SUCCESS } from '../shared/protocol-samples';
import { msSince, timing, type Figure, type Target } from './stats';

const RUNS = 20;
const WARM_UP = 3;

interface Command {
  name: string;
  args: string[];
  /** Checks one run's stdout; a run that fails is not a measurement. */
  expect: (stdout: string) => boolean;
  target?: Target;
  note?: string;
}

/** Spawns each command RUNS times (round-robin, so background load hits them alike) and times it. */
export function benchCliStart(root: string): Figure[] {
  const cli = join(root, 'dist', 'electron', 'cli.cjs');
  if (!existsSync(cli)) {
    const built = spawnSync(process.execPath, ['scripts/build-node.mjs'], {
      cwd: root,
      stdio: 'inherit',
    });
    if (built.status !== 0) throw new Error('node scripts/build-node.mjs failed.');
  }
  const version = (
    JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      version: string;
    }
  ).version;
  const firstGroup = SAMPLE_SUCCESS.cid.slice(0, 6);
  const commands: Command[] = [
    { name: 'node -e 0 (floor)', args: ['-e', '0'], expect: (out) => out === '' },
    {
      name: 'cid-desk --version',
      args: [cli, '--version'],
      expect: (out) => out === `${version}\n`,
      target: { max: 150, on: 'median', label: '< 150 ms median' },
    },
    {
      name: 'cid-desk get <IID> --demo',
      args: [cli, 'get', SAMPLE_SUCCESS.iid, '--demo'],
      expect: (out) => out.includes(firstGroup),
      target: { max: 300, on: 'median', label: '< 300 ms median' },
      note: 'fresh empty data folder per run, so every run really sends (to the in-process simulator) and writes history',
    },
  ];
  return hyperfineAvailable() ? withHyperfine(commands) : withSpawnSync(commands);
}

function hyperfineAvailable(): boolean {
  const probe = spawnSync('hyperfine', ['--version'], { stdio: 'ignore' });
  return probe.status === 0;
}

function withSpawnSync(commands: Command[]): Figure[] {
  const samples = commands.map((): number[] => []);
  for (let round = 0; round < WARM_UP + RUNS; round += 1) {
    commands.forEach((command, index) => {
      const dataDir = mkdtempSync(join(tmpdir(), 'cid-desk-bench-cli-'));
      try {
        const start = process.hrtime.bigint();
        const run = spawnSync(process.execPath, command.args, {
          env: { ...process.env, CID_DESK_DATA_DIR: dataDir },
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        const elapsed = msSince(start);
        if (run.status !== 0 || !command.expect(run.stdout)) {
          throw new Error(
            `${command.name} did not run as expected (exit ${run.status}): ${run.stderr || run.stdout}`,
          );
        }
        if (round >= WARM_UP) samples[index]!.push(elapsed);
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    });
  }
  const figures: Figure[] = commands.map((command, index) =>
    timing('cli', command.name, samples[index]!, {
      ...(command.target ? { target: command.target } : {}),
      note: `spawnSync wall time, ${WARM_UP} warm-up runs each${command.note ? `; ${command.note}` : ''}`,
    }),
  );
  // Each round ran the floor and the commands back to back, so their difference shows the
  // command's own cost with much of the machine's background load cancelled out.
  const floor = samples[0]!;
  commands.slice(1).forEach((command, index) => {
    const own = samples[index + 1]!.map((ms, round) => ms - floor[round]!);
    figures.push(timing('cli', `${command.name} minus node -e 0 (paired)`, own));
  });
  return figures;
}

/** Hyperfine's JSON export: `times` (1.x) or `measurements` (2.x), in seconds. */
interface HyperfineExport {
  results: {
    command: string;
    times?: number[];
    measurements?: { time_wall_clock: { value: number } }[];
  }[];
}

function quoteArg(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

function withHyperfine(commands: Command[]): Figure[] {
  const work = mkdtempSync(join(tmpdir(), 'cid-desk-bench-hyperfine-'));
  const dataDir = join(work, 'data');
  const exportFile = join(work, 'results.json');
  try {
    const lines = commands.map((command) =>
      [process.execPath, ...command.args].map(quoteArg).join(' '),
    );
    const run = spawnSync(
      'hyperfine',
      [
        '--shell=none',
        '--style=basic',
        `--warmup=${WARM_UP}`,
        `--runs=${RUNS}`,
        `--prepare=rm -rf ${quoteArg(dataDir)}`,
        `--export-json=${exportFile}`,
        ...lines,
      ],
      { env: { ...process.env, CID_DESK_DATA_DIR: dataDir }, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    if (run.status !== 0) throw new Error(`hyperfine failed: ${run.stderr.toString()}`);
    const exported = JSON.parse(readFileSync(exportFile, 'utf8')) as HyperfineExport;
    return commands.map((command, index) => {
      const result = exported.results[index];
      const seconds =
        result?.times ?? result?.measurements?.map((m) => m.time_wall_clock.value) ?? [];
      return timing(
        'cli',
        command.name,
        seconds.map((s) => s * 1000),
        {
          ...(command.target ? { target: command.target } : {}),
          note: `hyperfine --shell=none, ${WARM_UP} warm-up runs each${command.note ? `; ${command.note}` : ''}`,
        },
      );
    });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
