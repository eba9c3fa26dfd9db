/**
 * Summaries and the printed form of benchmark figures. Times are kept in milliseconds, taken
 * with process.hrtime.bigint; every figure says how many samples it rests on.
 */

/** A goal a figure is held to: `value` at most `max` (in the figure's own unit). */
export interface Target {
  max: number;
  /** Which statistic the target applies to, for timings. */
  on: 'median' | 'value';
  /** How the target is written in the docs, e.g. "< 100 µs median". */
  label: string;
}

export interface TimingFigure {
  kind: 'timing';
  benchmark: string;
  name: string;
  /** Samples taken (after warm-up). */
  n: number;
  /** Milliseconds. */
  median: number;
  p95: number;
  min: number;
  max: number;
  target?: Target;
  met?: boolean;
  note?: string;
}

export interface ValueFigure {
  kind: 'value';
  benchmark: string;
  name: string;
  value: number;
  unit: string;
  target?: Target;
  met?: boolean;
  note?: string;
}

export type Figure = TimingFigure | ValueFigure;

/** Milliseconds since an earlier process.hrtime.bigint() reading. */
export function msSince(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** Times one call of an async function, in milliseconds. */
export async function timeAsync(fn: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return msSince(start);
}

/** The q-quantile by nearest rank (q = 0.5 for the median, 0.95 for p95) of unsorted samples. */
export function quantile(samples: readonly number[], q: number): number {
  if (samples.length === 0) throw new RangeError('No samples to summarise.');
  const sorted = [...samples].sort((a, b) => a - b);
  if (q === 0.5 && sorted.length % 2 === 0) {
    // The usual even-count median, so two samples give their mean rather than the lower one.
    return (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
  }
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[rank - 1]!;
}

/** Median, p95, min and max of timing samples in milliseconds, checked against a target. */
export function timing(
  benchmark: string,
  name: string,
  samples: readonly number[],
  options: { target?: Target; note?: string } = {},
): TimingFigure {
  const median = quantile(samples, 0.5);
  const p95 = quantile(samples, 0.95);
  const figure: TimingFigure = {
    kind: 'timing',
    benchmark,
    name,
    n: samples.length,
    median,
    p95,
    min: Math.min(...samples),
    max: Math.max(...samples),
  };
  if (options.target) {
    figure.target = options.target;
    figure.met = (options.target.on === 'median' ? median : p95) <= options.target.max;
  }
  if (options.note) figure.note = options.note;
  return figure;
}

/** A single number (a size, a rate, a total time) with its unit. */
export function value(
  benchmark: string,
  name: string,
  amount: number,
  unit: string,
  options: { target?: Target; note?: string } = {},
): ValueFigure {
  const figure: ValueFigure = { kind: 'value', benchmark, name, value: amount, unit };
  if (options.target) {
    figure.target = options.target;
    figure.met = amount <= options.target.max;
  }
  if (options.note) figure.note = options.note;
  return figure;
}

/** A duration in the unit that reads best: µs below 1 ms, s from 10 s. */
export function formatMs(ms: number): string {
  if (ms < 1) return `${(ms * 1000).toFixed(ms < 0.01 ? 2 : 1)} µs`;
  if (ms < 10_000) return `${ms.toFixed(ms < 10 ? 2 : 1)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}

function formatValue(amount: number, unit: string): string {
  const digits = Math.abs(amount) >= 100 ? 0 : Math.abs(amount) >= 10 ? 1 : 2;
  return `${amount.toLocaleString('en-US', { maximumFractionDigits: digits })} ${unit}`;
}

function verdict(figure: Figure): string {
  if (!figure.target) return '';
  return `  target ${figure.target.label}: ${figure.met ? 'MET' : 'MISSED'}`;
}

/** One figure as one printed line (and a second for its note). */
export function formatFigure(figure: Figure): string {
  const name = figure.name.padEnd(50);
  const body =
    figure.kind === 'timing'
      ? `median ${formatMs(figure.median).padStart(10)}  p95 ${formatMs(figure.p95).padStart(10)}  n=${String(figure.n).padEnd(6)}`
      : formatValue(figure.value, figure.unit).padEnd(42);
  const note = figure.note ? `\n    ${figure.note}` : '';
  return `  ${name} ${body}${verdict(figure)}${note}`;
}
