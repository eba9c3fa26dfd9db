import type {
  CidOutcome,
  CidSuccess,
  RemainingOutcome,
  RemainingSuccess,
} from '../../shared/activation';
import { CID_GROUP_LABELS } from '../../shared/cid';
import { describeErrorCode } from '../../shared/error-catalog';
import { parseIid } from '../../shared/iid';
import { notSentError, type BatchRow } from '../batch/batch-runner';
import type { HistoryPage } from '../history/history-store';
import {
  mayHaveUsedActivation,
  printable,
  type CidDeskError,
  type ErrorKind,
} from '../../shared/errors';

/** Exit statuses of `cid-desk`: a published contract, only ever extended. */
export const EXIT = {
  ok: 0,
  internal: 1,
  usage: 2,
  service: 3,
  network: 4,
  unexpected: 5,
  storage: 6,
  /** batch: some rows failed or were invalid; each line says which. */
  partial: 10,
  interrupted: 130,
} as const;

const EXIT_BY_KIND: Record<ErrorKind, number> = {
  'invalid-input': EXIT.usage,
  service: EXIT.service,
  network: EXIT.network,
  'unexpected-response': EXIT.unexpected,
  storage: EXIT.storage,
};

/** The exit status for an error value; a user's Ctrl+C is reported as an interruption. */
export function exitStatusFor(error: CidDeskError): number {
  if (error.kind === 'network' && error.cause === 'cancelled') return EXIT.interrupted;
  return EXIT_BY_KIND[error.kind];
}

/** The JSON form of an error: kind, code, message and advice always present. */
export function errorJson(error: CidDeskError): Record<string, unknown> {
  const json: Record<string, unknown> = {
    kind: error.kind,
    code: error.code,
    message: error.message,
    advice: error.advice,
  };
  if (error.cause) json.cause = error.cause;
  if (error.mayHaveReachedService !== undefined)
    json.mayHaveReachedService = error.mayHaveReachedService;
  if (error.badGroups) json.badGroups = error.badGroups;
  if (error.code) json.phoneActivation = describeErrorCode(error.code).phoneActivation;
  // For support: the low-level cause or an excerpt of what the server sent (cut to ~2 KB).
  if (error.detail) json.detail = error.detail;
  return json;
}

/** Exactly one JSON object for `get --json`. */
export function cidJson(outcome: CidOutcome, extra: Record<string, unknown> = {}): string {
  if (!outcome.ok) return JSON.stringify({ ok: false, ...extra, error: errorJson(outcome.error) });
  const { ok, iid, pid, cid, groups, fromHistory, obtainedAt, warning, source } = outcome;
  return JSON.stringify({
    ok,
    iid,
    pid,
    cid,
    groups,
    fromHistory,
    obtainedAt,
    ...(source ? { source } : {}),
    ...extra,
    ...(warning ? { warning } : {}),
  });
}

/** Exactly one JSON object for `remaining --json`. */
export function remainingJson(
  outcome: RemainingOutcome,
  extra: Record<string, unknown> = {},
): string {
  if (!outcome.ok) return JSON.stringify({ ok: false, ...extra, error: errorJson(outcome.error) });
  return JSON.stringify({ ok: true, pid: outcome.pid, remaining: outcome.remaining, ...extra });
}

/** The CID as a person reads it: groups under their letters, and the commands that use it. */
export function formatCidHuman(outcome: CidSuccess): string {
  const header = CID_GROUP_LABELS.map((label) => label.padEnd(6))
    .join('  ')
    .trimEnd();
  const lines = [
    `Confirmation ID for Installation ID ${outcome.iid}`,
    '',
    `  ${header}`,
    `  ${outcome.groups.join('  ')}`,
    '',
  ];
  if (outcome.fromHistory) {
    lines.push(
      `Already obtained on ${outcome.obtainedAt.slice(0, 10)} at ${outcome.obtainedAt.slice(11, 16)} UTC; answered from the history, no activation was used.`,
      '',
    );
  }
  if (outcome.warning) lines.push(`WARNING: ${outcome.warning}`, '');
  lines.push(
    'On the machine being activated, in an elevated command prompt:',
    `  Windows: slmgr.vbs /atp ${outcome.cid}   then   slmgr.vbs /ato`,
    `  Office:  cscript ospp.vbs /actcid:${outcome.cid}   then   cscript ospp.vbs /act`,
  );
  return `${lines.join('\n')}\n`;
}

const KIND_TITLES: Record<ErrorKind, string> = {
  'invalid-input': 'Invalid input',
  service: 'The activation service refused the request',
  network: 'Could not reach the activation service',
  'unexpected-response': 'The activation service gave an answer that cannot be used',
  storage: 'The local history cannot be used',
};

/** An error as a person reads it: what happened, what to do, and whether phone activation helps. */
export function formatErrorHuman(error: CidDeskError): string {
  const lines = [
    `Error: ${KIND_TITLES[error.kind]}${error.code ? ` (${error.code})` : ''}`,
    '',
    error.message,
  ];
  if (mayHaveUsedActivation(error)) {
    lines.push(
      'The request may already have reached Microsoft, so an activation may have been used; sending again may use another.',
    );
  }
  lines.push('', `What to do: ${printable(error.advice)}`);
  if (error.code) {
    const phone = describeErrorCode(error.code).phoneActivation;
    lines.push(
      phone === 'maybe'
        ? 'Phone activation: may still help (run "slui 4" on the machine being activated).'
        : 'Phone activation: will not help for this code.',
    );
  }
  return `${lines.join('\n')}\n`;
}

/**
 * The remaining-activations answer as a person reads it. A negative count is the service saying it
 * keeps none for this key (docs/data-folder.md), not a number to repeat.
 */
export function formatRemainingHuman(outcome: RemainingSuccess): string {
  const key = `the key behind Extended PID ${outcome.pid}`;
  if (outcome.remaining < 0) return `The service did not give a count for ${key}.\n`;
  const count =
    outcome.remaining === 0
      ? 'No activations are left'
      : `${outcome.remaining} activation${outcome.remaining === 1 ? ' is' : 's are'} left`;
  return `${count} on ${key}.\n`;
}

/** `history --json`: one object holding the matching entries, newest first, as stored. */
export function historyJson(page: HistoryPage): string {
  return JSON.stringify({ ok: true, total: page.total, entries: page.entries });
}

/** The history as a person reads it: one line per entry, newest first. */
export function formatHistoryHuman(page: HistoryPage): string {
  if (page.total === 0) return 'The history is empty.\n';
  const lines = page.entries.map((entry) => {
    const when = `${entry.at.slice(0, 10)} ${entry.at.slice(11, 16)} UTC`;
    // Made up by demo mode's simulator, whatever the kind: not Microsoft's answer.
    const demo = entry.source === 'simulator' ? '  (demo)' : '';
    switch (entry.type) {
      case 'cid':
        return `${when}  CID        ${entry.iid}  ${entry.cid.match(/\d{6}/g)!.join('-')}${demo}`;
      case 'error':
        return `${when}  error      ${entry.iid ?? entry.pid}  ${entry.error.code ?? entry.error.kind}: ${entry.error.message}${demo}`;
      case 'remaining':
        return `${when}  remaining  ${entry.pid}  ${entry.remaining < 0 ? 'no count given' : `${entry.remaining} left`}${demo}`;
    }
  });
  const shown =
    page.entries.length < page.total
      ? `\n${page.entries.length} of ${page.total} entries shown.`
      : '';
  return `${lines.join('\n')}\n${shown ? `${shown}\n` : ''}`;
}

/** The IID for JSON: its digits when valid, otherwise as it was given. */
function jsonIid(iid: string): string {
  const parsed = parseIid(iid);
  return parsed.ok ? parsed.value.digits : iid;
}

/**
 * One row as one line of JSON for `cid-desk batch`, in the shape of `get --json` with the IID
 * first: `{"iid","ok":true,"pid","cid","groups","fromHistory","obtainedAt","source"}` or
 * `{"iid","ok":false,"error":{...}}` (errorJson's shape). A cancelled row is an error of kind
 * network, cause cancelled; a repeated ID carries `"duplicate": true`. `extra` is added to every
 * row, as get --json adds it (`{"demo": true}` in demo mode).
 */
export function batchRowToJson(row: BatchRow, extra: Record<string, unknown> = {}): string {
  const duplicate = row.duplicateOf === null ? {} : { duplicate: true };
  const iid = jsonIid(row.iid);
  if (row.status === 'cancelled') {
    return JSON.stringify({
      iid,
      ok: false,
      ...duplicate,
      ...extra,
      error: errorJson(notSentError()),
    });
  }
  const { outcome } = row;
  if (!outcome.ok) {
    return JSON.stringify({
      iid,
      ok: false,
      ...duplicate,
      ...extra,
      error: errorJson(outcome.error),
    });
  }
  return JSON.stringify({
    iid: outcome.iid,
    ok: true,
    pid: outcome.pid,
    cid: outcome.cid,
    groups: outcome.groups,
    fromHistory: outcome.fromHistory,
    obtainedAt: outcome.obtainedAt,
    ...(outcome.source ? { source: outcome.source } : {}),
    ...duplicate,
    ...extra,
    ...(outcome.warning ? { warning: outcome.warning } : {}),
  });
}
