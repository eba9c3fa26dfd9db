/**
 * The rows of a batch as the window shows them, and how main's progress events change them.
 * Pure functions: the batch view applies the result.
 */
import type { CidOutcome } from '../../shared/activation';
import type { BatchProgress, BatchRowStatus, BatchSummary } from '../../shared/batch';
import { describeErrorCode } from '../../shared/error-catalog';
import { mayHaveUsedActivation } from '../../shared/errors';
import { chunk } from '../../shared/digits';
import { dashedCid, formatCount } from '../common/format';

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
  /**
   * Demo mode was on when the run was started. Only a fallback for who answered: the setting may
   * change during or after the run, and each CID says itself where it came from.
   */
  demo: boolean;
}

/** A new run of `iids`, every row queued, started with demo mode on or off. */
export function startRun(batchId: string, iids: readonly string[], demo = false): BatchRun {
  return {
    batchId,
    rows: iids.map((iid) => ({ iid, status: 'queued' })),
    finished: 0,
    total: iids.length,
    demo,
  };
}

/**
 * Whether demo mode's simulator answered the run. Main reads the settings once per batch, so the
 * first CID that names its source speaks for every row; until one does, the mode the run was
 * started in.
 */
export function runIsDemo(run: BatchRun): boolean {
  for (const row of run.rows) {
    if (row.outcome?.ok && row.outcome.source !== undefined) {
      return row.outcome.source === 'simulator';
    }
  }
  return run.demo;
}

/**
 * Whether a finished row is demo mode's answer and not Microsoft's: a CID by its own source, an
 * error by the run's. A row never sent was answered by no one.
 */
export function isDemoRow(row: BatchRowView, runDemo: boolean): boolean {
  if (row.status !== 'done' || row.outcome === undefined) return false;
  if (row.outcome.ok && row.outcome.source !== undefined) {
    return row.outcome.source === 'simulator';
  }
  return runDemo;
}

/**
 * Whether the row holds a CID that main could not save in the history: the only copy is in this
 * window, and asking again would use another activation.
 */
export function isUnsaved(row: BatchRowView): boolean {
  return (
    row.outcome?.ok === true && row.outcome.warning !== undefined && row.outcome.warning !== ''
  );
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

export type RowTone = 'queued' | 'running' | 'ok' | 'unsaved' | 'history' | 'error' | 'not-sent';

export interface RowStatusView {
  /**
   * The status column's words: Queued, Sending…, CID, CID · not saved, From history, an error
   * code, Not sent.
   */
  label: string;
  tone: RowTone;
  /** For a failed row: what went wrong, in a few words. For an unsaved CID: main's warning. */
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
    // Checked first: a CID that exists only in this window must never look like a safe one.
    if (isUnsaved(row)) {
      return { label: 'CID · not saved', tone: 'unsaved', detail: outcome.warning };
    }
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
    if (tone === 'error') counts.failed += 1;
    else if (tone === 'not-sent') counts.cancelled += 1;
    // By the outcome rather than the tone: an unsaved CID was still obtained (or found), and
    // main counts it so.
    else if (row.outcome?.ok) {
      if (row.outcome.fromHistory) counts.fromHistory += 1;
      else counts.obtained += 1;
    }
  }
  return counts;
}

/** The rows whose CID could not be saved in the history: main's summary does not count them. */
export function countUnsaved(rows: readonly BatchRowView[]): number {
  return rows.reduce((count, row) => count + (isUnsaved(row) ? 1 : 0), 0);
}

/**
 * The summary in one line, for the screen and for screen readers, with the CIDs that could not be
 * saved when there are any.
 */
export function summaryLine(summary: BatchSummary, unsaved = 0): string {
  return [
    `${formatCount(summary.obtained)} obtained`,
    `${formatCount(summary.fromHistory)} from history`,
    `${formatCount(summary.failed)} failed`,
    `${formatCount(summary.cancelled)} not sent`,
    ...(unsaved > 0 ? [`${formatCount(unsaved)} not saved in the history`] : []),
  ].join(' · ');
}

/**
 * What the screen reader is told when a run ends, and what the window says above the table: how
 * many CIDs exist only in this window, and what to do before they are lost.
 */
export function unsavedMessage(
  unsaved: number,
  options: { demo: boolean; canExport: boolean },
): { title: string; advice: string } {
  const one = unsaved === 1;
  const keep = options.canExport ? 'Copy or export' : 'Copy';
  const them = one ? 'it' : 'them';
  return {
    title: one
      ? '1 Confirmation ID could not be saved in the history.'
      : `${formatCount(unsaved)} Confirmation IDs could not be saved in the history.`,
    advice: options.demo
      ? `${keep} ${them} now if you need ${them}: CID Desk will not remember ${them}.`
      : `${keep} ${them} now: CID Desk will not remember ${them}, and asking again would use another activation.`,
  };
}

/** The note a copied or exported row carries about its CID, if any. */
function rowNote(row: BatchRowView, runDemo: boolean): string {
  return [
    isDemoRow(row, runDemo) ? 'Demo mode: made up by the built-in simulator.' : '',
    isUnsaved(row) ? 'Not saved in the history.' : '',
  ]
    .filter((part) => part !== '')
    .join(' ');
}

/** An IID's digits in dashed groups, so a spreadsheet keeps it as text rather than a rounded number. */
export function dashedIid(digits: string): string {
  return chunk(digits, digits.length === 54 ? 6 : 7).join('-');
}

/**
 * The rows that have a CID, as tab-separated lines under a header, for pasting into a spreadsheet:
 * both IDs in dashed groups, which no spreadsheet mistakes for a number. When a CID is a demo one
 * or was not saved, a Note column says so (in the history export's words), so that a pasted demo
 * CID never passes for a real one; a plain list keeps its two columns.
 */
export function resultsTsv(
  rows: readonly BatchRowView[],
  runDemo = false,
): { text: string; count: number; noted: boolean } {
  const results = rows.flatMap((row) =>
    row.outcome?.ok
      ? [{ iid: dashedIid(row.iid), cid: dashedCid(row.outcome.cid), note: rowNote(row, runDemo) }]
      : [],
  );
  const noted = results.some((result) => result.note !== '');
  const lines = [
    noted ? 'Installation ID\tConfirmation ID\tNote' : 'Installation ID\tConfirmation ID',
    ...results.map(({ iid, cid, note }) => (noted ? `${iid}\t${cid}\t${note}` : `${iid}\t${cid}`)),
  ];
  return { text: `${lines.join('\n')}\n`, count: results.length, noted };
}
