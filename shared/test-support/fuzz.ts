/**
 * Settings shared by the fuzz tests: a fixed seed and a few hundred runs in the ordinary test run,
 * and as many runs as FUZZ_RUNS says (with FUZZ_SEED) for `npm run fuzz`.
 */
const FUZZ_RUNS = Number(process.env.FUZZ_RUNS) || 0;
const SEED = Number(process.env.FUZZ_SEED) || 20_260_601;

/** The fast-check parameters of one property: its own default count, or FUZZ_RUNS for a long run. */
export const runs = (defaultRuns: number) => ({
  seed: SEED,
  numRuns: FUZZ_RUNS || defaultRuns,
});

/** A long run may take hours; the default run stays within the usual per-test limit. */
export const TEST_TIMEOUT = FUZZ_RUNS ? 24 * 60 * 60 * 1000 : 20_000;

/**
 * Whether a group of ASCII digits ends in its check digit (odd positions weigh 1, even 2, mod 7),
 * written apart from shared/digits.ts so that the code under test is not checked against itself.
 */
export function groupPasses(group: string): boolean {
  const digits = [...group].map(Number);
  const check = digits.pop();
  const sum = digits.reduce((total, digit, i) => total + digit * (i % 2 === 0 ? 1 : 2), 0);
  return check === sum % 7;
}
