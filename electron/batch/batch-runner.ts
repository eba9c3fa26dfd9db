/**
 * Runs many Confirmation ID requests, a few at a time, for `cid-desk batch` and the window's batch
 * mode: bounded concurrency, per-row status events, cancellation (nothing new starts; requests
 * under way are told through their signal), results in input order, and the CSV and JSON forms of
 * the results.
 *
 * The caller binds the activation service's getCid (Extended PID, force) and passes it in; the
 * service answers from history and merges concurrent requests for the same ID. The runner adds one
 * guarantee of its own: within a batch, one Installation ID is asked for once, however often and in
 * whatever form it appears in the input.
 */
import type { CidOutcome } from '../../shared/activation';
import { BATCH_CONCURRENCY, type BatchRowStatus, type BatchSummary } from '../../shared/batch';
import { formatCid } from '../../shared/cid';
import { chunk } from '../../shared/digits';
import { makeError, mayHaveUsedActivation, type CidDeskError } from '../../shared/errors';
import { groupSizeFor, parseIid } from '../../shared/iid';
import { toCsv } from '../history/history-csv';

interface RowBase {
  /** 0-based position in the input. */
  index: number;
  /** The Installation ID as it was given. */
  iid: string;
  /** For a repeated ID: the index of the row that was sent for it; otherwise null. */
  duplicateOf: number | null;
}

/** A finished row: the service's outcome, or 'cancelled' when it was never sent. */
export type BatchRow =
  (RowBase & { status: 'done'; outcome: CidOutcome }) | (RowBase & { status: 'cancelled' });

interface EventBase {
  index: number;
  iid: string;
  /** Rows finished ('done' or 'cancelled') so far, this one included, and rows in all. */
  finished: number;
  total: number;
}

/** One row's change of status, with the batch's overall progress (shared/batch.ts BatchProgress less batchId). */
export type BatchEvent =
  | (EventBase & { status: Exclude<BatchRowStatus, 'done'> })
  | (EventBase & { status: 'done'; outcome: CidOutcome });

/** shared/batch.ts's summary, plus the rows that repeat an earlier row's ID (counted there only). */
export interface BatchRunSummary extends BatchSummary {
  duplicates: number;
}

export interface BatchResult {
  /** One row per input ID, in input order. */
  rows: BatchRow[];
  summary: BatchRunSummary;
}

export interface BatchOptions {
  /** The activation service's getCid, bound to the Extended PID and force flag by the caller. */
  getCid(iid: string, signal: AbortSignal): Promise<CidOutcome>;
  /** Requests in flight at most: a whole number from 1 to BATCH_CONCURRENCY.max; .default if absent. */
  concurrency?: number;
  /** Aborting starts no further request and aborts the signal each running getCid was given. */
  signal?: AbortSignal;
  /** Told synchronously of every change. A listener that throws stops the batch like a cancel. */
  onProgress?(event: BatchEvent): void;
}

/** The key under which two inputs are the same Installation ID: its digits, or the text as given. */
function sameIidKey(iid: string): string {
  const parsed = parseIid(iid);
  return parsed.ok ? parsed.value.digits : iid;
}

/**
 * Asks for the CID of every IID with at most `concurrency` requests in flight and returns the rows
 * in input order. Never rejects for a failed request (each row carries its outcome); rejects with
 * RangeError for a bad concurrency, and with the listener's error, once every request in flight has
 * settled, when onProgress throws.
 */
export async function runBatch(
  iids: readonly string[],
  options: BatchOptions,
): Promise<BatchResult> {
  const concurrency = options.concurrency ?? BATCH_CONCURRENCY.default;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > BATCH_CONCURRENCY.max) {
    throw new RangeError(
      `The number of requests at a time must be a whole number from 1 to ${BATCH_CONCURRENCY.max}, not ${concurrency}.`,
    );
  }
  const signal = options.signal ?? new AbortController().signal;
  const total = iids.length;
  const rows: (BatchRow | undefined)[] = new Array<BatchRow | undefined>(total);
  const duplicateOf: (number | null)[] = [];
  const followers = new Map<number, number[]>();
  const primaries: number[] = [];
  const firstByKey = new Map<string, number>();
  iids.forEach((iid, index) => {
    const key = sameIidKey(iid);
    const first = firstByKey.get(key);
    if (first === undefined) {
      firstByKey.set(key, index);
      followers.set(index, []);
      primaries.push(index);
      duplicateOf.push(null);
    } else {
      followers.get(first)!.push(index);
      duplicateOf.push(first);
    }
  });

  let finished = 0;
  // Held in an object because TypeScript does not follow assignments made inside the workers.
  const stop: { listenerError: { error: unknown } | null } = { listenerError: null };
  const emit = (event: BatchEvent) => options.onProgress?.(event);
  const base = (index: number): RowBase => ({
    index,
    iid: iids[index]!,
    duplicateOf: duplicateOf[index]!,
  });

  iids.forEach((iid, index) => emit({ index, iid, status: 'queued', finished: 0, total }));

  // Each request gets a signal of its own, aborted with the batch's: one listener on the caller's
  // signal however long the batch, and whatever getCid hangs on its signal is freed per request.
  const inFlight = new Set<AbortController>();
  const abortInFlight = () => {
    for (const controller of inFlight) controller.abort(signal.reason);
  };
  signal.addEventListener('abort', abortInFlight, { once: true });

  let cursor = 0;
  const worker = async () => {
    while (cursor < primaries.length && !signal.aborted && stop.listenerError === null) {
      const index = primaries[cursor]!;
      cursor += 1;
      emit({ index, iid: iids[index]!, status: 'running', finished, total });
      const controller = new AbortController();
      inFlight.add(controller);
      const outcome = await ask(options, iids[index]!, controller.signal).finally(() =>
        inFlight.delete(controller),
      );
      for (const row of [index, ...followers.get(index)!]) {
        rows[row] = { ...base(row), status: 'done', outcome };
        finished += 1;
        emit({ index: row, iid: iids[row]!, status: 'done', outcome, finished, total });
      }
    }
  };
  try {
    await Promise.all(
      Array.from({ length: Math.min(concurrency, primaries.length) }, () =>
        worker().catch((error: unknown) => {
          stop.listenerError ??= { error };
        }),
      ),
    );
  } finally {
    signal.removeEventListener('abort', abortInFlight);
  }
  if (stop.listenerError !== null) throw stop.listenerError.error;

  for (let index = 0; index < total; index += 1) {
    if (rows[index] !== undefined) continue;
    rows[index] = { ...base(index), status: 'cancelled' };
    finished += 1;
    emit({ index, iid: iids[index]!, status: 'cancelled', finished, total });
  }

  const done = rows as BatchRow[];
  return { rows: done, summary: summarize(done) };
}

/** Calls getCid and turns a throw, which the service should never do, into a row's error. */
async function ask(options: BatchOptions, iid: string, signal: AbortSignal): Promise<CidOutcome> {
  try {
    return await options.getCid(iid, signal);
  } catch (error) {
    return {
      ok: false,
      error: makeError(
        'unexpected-response',
        'Asking for this Installation ID failed unexpectedly.',
        'The request may have reached Microsoft: look in the history before sending this Installation ID again. If it happens again, report it with the detail.',
        {
          mayHaveReachedService: true,
          detail: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
        },
      ),
    };
  }
}

function summarize(rows: readonly BatchRow[]): BatchRunSummary {
  const summary: BatchRunSummary = {
    total: rows.length,
    obtained: 0,
    fromHistory: 0,
    failed: 0,
    cancelled: 0,
    duplicates: 0,
  };
  for (const row of rows) {
    if (row.duplicateOf !== null) summary.duplicates += 1;
    else if (row.status === 'cancelled') summary.cancelled += 1;
    else if (!row.outcome.ok) summary.failed += 1;
    else if (row.outcome.fromHistory) summary.fromHistory += 1;
    else summary.obtained += 1;
  }
  return summary;
}

/** The error a row carries in CSV and JSON when the batch was cancelled before it was sent. */
export function notSentError(): CidDeskError {
  return makeError(
    'network',
    'Not sent: the batch was cancelled before this Installation ID was sent.',
    'No activation was used for it. Run the batch again to ask for it.',
    { cause: 'cancelled', mayHaveReachedService: false },
  );
}

export const BATCH_CSV_HEADER = [
  'IID',
  'Result',
  'CID',
  'CID groups (dashes)',
  'From history',
  'Error code',
  'Message',
] as const;

/** The Message of a demo CID, in the history export's words. */
const DEMO_CID_NOTE = 'Demo mode: made up by the built-in simulator.';

export interface BatchCsvOptions {
  /**
   * Whether demo mode's simulator answered the batch. When absent, the first CID that names its
   * source speaks for every row: one batch is answered by one service.
   */
  demo?: boolean;
}

/**
 * The batch as CSV (RFC 4180, CR LF, formula-safe through history-csv's toCsv), one row per input
 * in input order. The IID is written in dashed groups when it is valid, so no spreadsheet turns it
 * into a rounded number; the CID comes both as its 48 digits, for scripts, and in dashed groups.
 * A row demo mode's simulator answered says so first in its Message, as the history export does,
 * so that a demo CID in a spreadsheet never passes for Microsoft's.
 */
export function batchRowsToCsv(result: BatchResult, options: BatchCsvOptions = {}): string {
  const demo = options.demo ?? answeredBySimulator(result.rows);
  return toCsv([BATCH_CSV_HEADER, ...result.rows.map((row) => csvRow(row, demo))]);
}

function answeredBySimulator(rows: readonly BatchRow[]): boolean {
  for (const row of rows) {
    if (row.status === 'done' && row.outcome.ok && row.outcome.source !== undefined) {
      return row.outcome.source === 'simulator';
    }
  }
  return false;
}

/** A row never sent was answered by no one, so only finished rows carry the demo mark. */
function csvRow(row: BatchRow, demo: boolean): string[] {
  const iid = displayIid(row.iid);
  const duplicate =
    row.duplicateOf === null
      ? ''
      : `Same Installation ID as entry ${row.duplicateOf + 1} of the batch; it was asked for once.`;
  if (row.status === 'cancelled') {
    return [iid, 'not sent', '', '', '', '', joinSentences(duplicate, notSentError().message)];
  }
  const { outcome } = row;
  if (outcome.ok) {
    // A CID's own source wins: it says who issued it, whatever the batch.
    const made = outcome.source === undefined ? demo : outcome.source === 'simulator';
    const history = outcome.fromHistory
      ? `Already obtained on ${outcome.obtainedAt}; no activation was used.`
      : '';
    return [
      iid,
      'CID',
      outcome.cid,
      formatCid(outcome),
      outcome.fromHistory ? 'yes' : 'no',
      '',
      joinSentences(made ? DEMO_CID_NOTE : '', duplicate, history, outcome.warning ?? ''),
    ];
  }
  const { error } = outcome;
  // Demo mode never reaches Microsoft, so no activation can have been used.
  const spent =
    !demo && mayHaveUsedActivation(error)
      ? 'The request may have reached Microsoft, so an activation may have been used: look in the history before sending it again.'
      : '';
  const message = joinSentences(duplicate, error.message, spent);
  return [iid, 'error', '', '', '', error.code ?? '', demo ? `Demo mode: ${message}` : message];
}

function joinSentences(...parts: string[]): string {
  return parts.filter((part) => part !== '').join(' ');
}

/** A valid IID in its groups joined by dashes; anything else as it was given. */
function displayIid(iid: string): string {
  const parsed = parseIid(iid);
  if (!parsed.ok) return iid;
  return chunk(parsed.value.digits, groupSizeFor(parsed.value.digits.length)).join('-');
}
