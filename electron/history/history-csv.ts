/**
 * The history as CSV (RFC 4180) for spreadsheets, safe to open in Excel, LibreOffice Calc and
 * Google Sheets.
 *
 * Two dangers and how they are met:
 *
 * 1. Formula injection. A spreadsheet runs a cell that begins with `=`, `+`, `-` or `@` (and
 *    some also after a leading tab or carriage return) as a formula, so a hostile error message
 *    such as `=cmd|' /C calc'!A0` could run a command. Such a cell gets a leading apostrophe,
 *    which makes it text (OWASP's advice). Leading white space does not protect a cell in every
 *    program, so a cell whose first visible character is one of these is treated the same way.
 *    The one exception is a plain decimal number such as `-1` or `+5`: a spreadsheet reads it as
 *    that number, which is what it means, and no function call can hide in a sign and digits.
 *    A minus sign followed by digits and dashes (`-1-2`) is arithmetic, not a number, and gets the
 *    apostrophe.
 *
 * 2. Long numbers. A spreadsheet reads the 48 digits of a CID as a number and keeps 15 of them
 *    (6.27E+46): the CID is lost when the file is saved again. Neither a leading apostrophe (shown
 *    as part of the text by several programs when they open a CSV) nor `="..."` (itself a formula,
 *    the very thing this module keeps out, and noise for scripts) is a good cure. So IIDs and CIDs
 *    are written in their groups joined by dashes, as people read and type them
 *    (`062722-477945-...`, the boxes A to H of the Windows dialog): text to every spreadsheet, no
 *    formula, nothing to strip but the dashes. The Extended PID already has this form.
 *
 * Lines end in CR LF, as RFC 4180 says and Excel expects; the text has no byte-order mark, so a
 * caller that saves it for Excel should write '\ufeff' first (the content is ASCII except for
 * messages).
 */
import { formatCid } from '../../shared/cid';
import { chunk } from '../../shared/digits';
import { groupSizeFor } from '../../shared/iid';
import type { HistoryEntry } from './history-store';

export const HISTORY_CSV_HEADER = [
  'date',
  'IID',
  'Extended PID',
  'result',
  'CID',
  'error code',
  'message',
] as const;

const FORMULA_START = /^[\s]*[=+\-@]/;
const TAB_OR_CR_START = /^[\t\r]/;
const PLAIN_NUMBER = /^[+-]?\d+(\.\d+)?$/;
const NEEDS_QUOTES = /[",\r\n]/;

/** Makes a cell inert in a spreadsheet: prefixes an apostrophe to anything that could start a formula. */
export function neutralizeCell(cell: string): string {
  if (PLAIN_NUMBER.test(cell)) return cell;
  return FORMULA_START.test(cell) || TAB_OR_CR_START.test(cell) ? `'${cell}` : cell;
}

/** Encodes one cell for CSV: quoted when it holds a quote, comma or line break, quotes doubled. */
export function csvCell(cell: string): string {
  return NEEDS_QUOTES.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell;
}

/** Rows to RFC 4180 CSV text with CR LF line ends, each cell neutralised against formulas. */
export function toCsv(rows: readonly (readonly string[])[]): string {
  return rows
    .map((row) => `${row.map((cell) => csvCell(neutralizeCell(cell))).join(',')}\r\n`)
    .join('');
}

/** History entries (in the order given) to CSV with a header row. */
export function historyToCsv(entries: readonly HistoryEntry[]): string {
  return toCsv([HISTORY_CSV_HEADER, ...entries.map(historyRow)]);
}

/** One history entry as the cells of a CSV row, in the order of HISTORY_CSV_HEADER. */
export function historyRow(entry: HistoryEntry): string[] {
  switch (entry.type) {
    case 'cid':
      return [
        entry.at,
        groupedIid(entry.iid),
        entry.pid,
        'CID',
        formatCid({ groups: chunk(entry.cid, 6) }),
        '',
        entry.source === 'simulator' ? 'Demo mode: made up by the built-in simulator.' : '',
      ];
    case 'error':
      return [
        entry.at,
        entry.iid === undefined ? '' : groupedIid(entry.iid),
        entry.pid,
        'error',
        '',
        entry.error.code ?? '',
        demoNoted(entry, entry.error.message),
      ];
    case 'remaining':
      return [
        entry.at,
        '',
        entry.pid,
        'remaining activations',
        '',
        '',
        demoNoted(
          entry,
          entry.remaining < 0
            ? `The service gave no count (${entry.remaining}).`
            : `${entry.remaining} activation${entry.remaining === 1 ? '' : 's'} remaining`,
        ),
      ];
  }
}

/**
 * The message of an error or a count, marked when demo mode's simulator gave it, so that a
 * spreadsheet does not pass it off as Microsoft's answer. The mark comes first, where it is seen
 * even in a narrow column.
 */
function demoNoted(entry: HistoryEntry, message: string): string {
  return entry.source === 'simulator' ? `Demo mode: ${message}` : message;
}

function groupedIid(iid: string): string {
  return chunk(iid, groupSizeFor(iid.length)).join('-');
}
