/**
 * The rows of a batch as the window shows them, and how main's progress events change them.
 * Pure functions: the batch view applies the result.
 */
import type { CidOutcome } from '../shared/activation';
import type { BatchProgress, BatchRowStatus, BatchSummary } from '../shared/batch';
import { describeErrorCode } from '../shared/error-catalog';
import { mayHaveUsedActivation } from '../shared/errors';
import { chunk } from '../shared/digits';
import { dashedCid, formatCount } from './format';

export interface BatchRowView {
  /** The Installation ID's digits, as sent. */
  iid: string;
  status: BatchRowStatus;
  /** Set once the row is done. */
  outcome?: CidOutcome;
}

export interface BatchRun {
  batchId: string;
  rows: BatchRowView[];
  /** Rows done or cancelled, as main last counted them. */
  finished: number;
  total: number;
}

/** A new run of `iids`, every row queued. */
export function startRun(batchId: string, iids: readonly string[]): BatchRun {
  return {
    batchId,
    rows: iids.map((iid) => ({ iid, status: 'queued' })),
    finished: 0,
    total: iids.length,
  };
}

const FINAL: ReadonlySet<BatchRowStatus> = new Set(['done', 'cancelled']);

/**
 * Applies main's progress events to the run. Events of another batch, for rows that do not exist,
 * or that would take a finished row back to queued or running are ignored; untouched rows keep
 * their identity so the table redraws only what changed.
 */
export function applyProgress(run: BatchRun, events: readonly BatchProgress[]): BatchRun {
  let rows: BatchRowView[] | null = null;
  let finished = run.finished;
  for (const event of events) {
    if (event.batchId !== run.batchId) continue;
    const current = (rows ?? run.rows)[event.index];
    if (current === undefined || FINAL.has(current.status)) continue;
    if (event.status === 'queued' && current.status === 'running') continue;
    if (event.status === 'done' && event.outcome === undefined) continue;
    rows ??= run.rows.slice();
    rows[event.index] =
      event.status === 'done'
        ? { iid: current.iid, status: 'done', outcome: event.outcome }
        : { iid: current.iid, status: event.status };
    finished = Math.max(finished, Math.min(event.finished, run.total));
  }
  return rows === null && finished === run.finished
    ? run
    : { ...run, rows: rows ?? run.rows, finished };
}

export type RowTone = 'queued' | 'running' | 'ok' | 'history' | 'error' | 'not-sent';

export interface RowStatusView {
  /** The status column's words: Queued, Sending…, CID, From history, an error code, Not sent. */
  label: string;
  tone: RowTone;
  /** For a failed row: what went wrong, in a few words. */
  detail?: string;
  /** The request may have reached the service without a CID coming back. */
  mayHaveUsedActivation?: boolean;
}

const KIND_LABELS = {
  'invalid-input': 'Invalid ID',
  service: 'Refused',
  network: 'Network error',
  'unexpected-response': 'Bad answer',
  storage: 'History error',
} as const;

/** What the status column says about a row. */
export function rowStatus(row: BatchRowView): RowStatusView {
  if (row.status === 'queued') return { label: 'Queued', tone: 'queued' };
  if (row.status === 'running') return { label: 'Sending…', tone: 'running' };
  if (row.status === 'cancelled' || row.outcome === undefined) {
    return { label: 'Not sent', tone: 'not-sent' };
  }
  const { outcome } = row;
  if (outcome.ok) {
    return outcome.fromHistory
      ? { label: 'From history', tone: 'history' }
      : { label: 'CID', tone: 'ok' };
  }
  const { error } = outcome;
  const spent = mayHaveUsedActivation(error);
  if (error.kind === 'network' && error.cause === 'cancelled' && !spent) {
    return { label: 'Not sent', tone: 'not-sent' };
  }
  if (error.kind === 'service' && error.code !== null) {
    return { label: error.code, tone: 'error', detail: describeErrorCode(error.code).title };
  }
  return {
    label: KIND_LABELS[error.kind],
    tone: 'error',
    detail: error.message,
    ...(spent ? { mayHaveUsedActivation: true } : {}),
  };
}

/** The counts of a run so far, in the shape of main's summary. */
export function countRows(rows: readonly BatchRowView[]): BatchSummary {
  const counts: BatchSummary = {
    total: rows.length,
    obtained: 0,
    fromHistory: 0,
    failed: 0,
    cancelled: 0,
  };
  for (const row of rows) {
    const { tone } = rowStatus(row);
    if (tone === 'ok') counts.obtained += 1;
    else if (tone === 'history') counts.fromHistory += 1;
    else if (tone === 'error') counts.failed += 1;
    else if (tone === 'not-sent') counts.cancelled += 1;
  }
  return counts;
}

/** The summary in one line, for the screen and for screen readers. */
export function summaryLine(summary: BatchSummary): string {
  return [
    `${formatCount(summary.obtained)} obtained`,
    `${formatCount(summary.fromHistory)} from history`,
    `${formatCount(summary.failed)} failed`,
    `${formatCount(summary.cancelled)} not sent`,
  ].join(' · ');
}

/** An IID's digits in dashed groups, so a spreadsheet keeps it as text rather than a rounded number. */
export function dashedIid(digits: string): string {
  return chunk(digits, digits.length === 54 ? 6 : 7).join('-');
}

/**
 * The rows that have a CID, as tab-separated lines under a header, for pasting into a spreadsheet:
 * both IDs in dashed groups, which no spreadsheet mistakes for a number.
 */
export function resultsTsv(rows: readonly BatchRowView[]): { text: string; count: number } {
  const lines = ['Installation ID\tConfirmation ID'];
  for (const row of rows) {
    if (row.outcome?.ok) lines.push(`${dashedIid(row.iid)}\t${dashedCid(row.outcome.cid)}`);
  }
  return { text: `${lines.join('\n')}\n`, count: lines.length - 1 };
}
