// Runs the fuzz tests long: the same property tests the unit run does a few hundred times each,
// here with many more runs and, unless one is given, a fresh seed.
//
//   node scripts/fuzz.mjs [runs] [--seed <n>]      (npm run fuzz -- 100000 --seed 42)
//
// A failure prints its seed and counterexample; FUZZ_RUNS and FUZZ_SEED repeat the same run.
import { spawnSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { parseArgs } from 'node:util';

const FUZZ_FILES = [
  'shared/response.fuzz.test.ts',
  'shared/iid.fuzz.test.ts',
  'electron/main/ipc/ipc-fuzz.test.ts',
];
const DEFAULT_RUNS = 100_000;

function wholeNumber(text, what) {
  if (!/^[1-9][0-9]{0,9}$/.test(text)) {
    console.error(`fuzz: ${what} must be a whole number from 1 to 9999999999, not "${text}".`);
    process.exit(2);
  }
  return Number(text);
}

let parsed;
try {
  parsed = parseArgs({
    args: process.argv.slice(2),
    options: { seed: { type: 'string' } },
    allowPositionals: true,
  });
} catch (error) {
  console.error(`fuzz: ${error.message}\nUsage: node scripts/fuzz.mjs [runs] [--seed <n>]`);
  process.exit(2);
}
if (parsed.positionals.length > 1) {
  console.error(
    'fuzz: give at most one number of runs.\nUsage: node scripts/fuzz.mjs [runs] [--seed <n>]',
  );
  process.exit(2);
}

const runs =
  parsed.positionals[0] === undefined ? DEFAULT_RUNS : wholeNumber(parsed.positionals[0], 'runs');
const seed =
  parsed.values.seed === undefined
    ? randomInt(1, 2 ** 31 - 1)
    : wholeNumber(parsed.values.seed, '--seed');

console.log(`Fuzzing with ${runs} runs per property, seed ${seed}.`);
console.log(
  `To repeat: FUZZ_RUNS=${runs} FUZZ_SEED=${seed} npx vitest run --project node ${FUZZ_FILES.join(' ')}`,
);

const started = Date.now();
const result = spawnSync('npx', ['vitest', 'run', '--project', 'node', ...FUZZ_FILES], {
  stdio: 'inherit',
  env: { ...process.env, FUZZ_RUNS: String(runs), FUZZ_SEED: String(seed) },
  shell: process.platform === 'win32',
});
const minutes = ((Date.now() - started) / 60_000).toFixed(1);
console.log(
  `Fuzzing ${result.status === 0 ? 'found nothing' : 'FAILED'} in ${minutes} min (seed ${seed}).`,
);
process.exit(result.status ?? 1);
