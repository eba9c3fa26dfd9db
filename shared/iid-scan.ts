/**
 * Finds every Installation ID in arbitrary text (a pasted e-mail, a .txt with one or several IDs
 * per line, a .csv exported from an inventory) for the batch mode.
 *
 * The rules, in the order they apply:
 *
 * 1. Characters. A digit is any Unicode decimal digit (full-width, Arabic-Indic, ...; read with
 *    shared/digits.ts). A separator is what shared/digits.ts calls one (white space of every kind,
 *    dashes, the minus sign). Invisible format characters (soft hyphen, zero-width space and
 *    joiners, word joiner, byte-order mark) are ignored altogether: they split neither a run of
 *    digits nor a gap. Everything else (letters, commas, semicolons, quotes, colons, dots, ...)
 *    ends whatever came before it.
 *
 * 2. Lines. Text is cut into lines at CR LF, LF, CR, U+2028 and U+2029; lines are numbered from
 *    1. An Installation ID never continues across a line break.
 *
 * 3. Runs and chains. A run is a maximal sequence of digits. A chain is a sequence of runs joined
 *    only by separators (a gap); anything else ends the chain. Gaps are compared as written: a
 *    single space, two spaces, a tab and a no-break space are four different gaps.
 *
 * 4. Cuts. A gap that differs from both gaps beside it (a missing neighbour counts as different)
 *    cuts the chain when at least 8 runs stand on one side of it, counting back to the previous
 *    cut or on to the end of the chain. It is the joint between two IDs written in different
 *    styles (`a b ... i\tj-k-...`, or single spaces inside and two spaces between) or between an
 *    ID and a neighbouring column. Nothing found or reported spans a cut.
 *
 * 5. Installation IDs. An ID is 9 groups of 7 digits (63) or of 6 (54), and every group ends in
 *    its check digit. It is written either
 *    - packed: one run holding the 54 or 63 digits; a longer run is split into IDs that touch when,
 *      and only when, it divides completely into valid 54- and 63-digit IDs; or
 *    - grouped: two or more whole consecutive runs whose lengths are multiples of the group size and
 *      add up to 9 groups (normally 9 runs of 6 or 7).
 *    Where runs could be read in several ways, the reading with the most IDs wins, then the one
 *    with the most IDs whose gaps are all the same, then the one that starts earlier. So eighteen
 *    groups with the same gap read as two IDs, and a number that happens to pass its check digit
 *    does not pull an ID written with other gaps out of line.
 *
 * 6. Exactly nine groups. A grouped ID is dropped when a run left over next to it has the same
 *    group size, passes its own check digit, and is joined to it by one of the ID's own gaps:
 *    another window of nine groups would then be just as plausible (a doubled or an extra group).
 *    The runs of a dropped ID are left over, so the IDs beside it are looked at again.
 *
 * 7. Duplicates. The first occurrence of an ID's digits is kept; later ones are counted and their
 *    lines listed on the first.
 *
 * 8. Invalid attempts, among the runs of a chain not taken by an ID:
 *    - a single run of 52 to 128 digits, except a multiple of 48 (a Confirmation ID, or two);
 *    - a maximal sequence of at least 8 consecutive runs of 5 to 8 digits, within one part between
 *      cuts, of which at least two thirds have the sequence's usual group size (6 or 7, whichever
 *      more runs have; 6 on a tie) and pass their check digit. A sequence made only of runs of 6
 *      digits whose number is a multiple of 8 but not of 9 is Confirmation IDs (8 groups of 6) and
 *      is not reported.
 *    The reason given is parseIid's message for the text (it names the failing groups or counts the
 *    digits). Dates, times, phone numbers, short numbers, host names with digits and Confirmation
 *    IDs never qualify.
 */
import { digitValue, groupCheckDigitOk, isSeparator } from './digits';
import type { CidDeskError } from './errors';
import { parseIid, type IidDigits, type IidForm } from './iid';

export interface FoundIid {
  /** The 54 or 63 ASCII digits. */
  digits: IidDigits;
  form: IidForm;
  /** The nine groups as Windows shows them. */
  groups: string[];
  /** 1-based line of the text on which the ID stands. */
  line: number;
  /** Where the ID stands in the scanned text: UTF-16 offsets, `end` exclusive. */
  start: number;
  end: number;
  /** The ID as written, separators and original digits included. */
  text: string;
  /** Lines on which the same digits appear again (those occurrences are not in `found`). */
  duplicateLines: number[];
}

export interface InvalidCandidate {
  line: number;
  start: number;
  end: number;
  text: string;
  /** Why it is not an Installation ID: parseIid's message. */
  reason: string;
  /** The whole error value, with advice and the failing groups where known. */
  error: CidDeskError;
}

export interface ScanResult {
  /** Each distinct Installation ID once, in order of first appearance. */
  found: FoundIid[];
  /** Text that looks like an attempt at an Installation ID but is not one, in order. */
  invalid: InvalidCandidate[];
  /** How many repeated occurrences were dropped from `found`. */
  duplicates: number;
}

interface Run {
  digits: string;
  start: number;
  end: number;
  /** Every digit takes exactly one UTF-16 unit and nothing sits between them. */
  simple: boolean;
}

interface Chain {
  runs: Run[];
  /** gaps[i] stands between runs[i] and runs[i + 1]. */
  gaps: string[];
  line: number;
}

type Match =
  | { kind: 'grouped'; first: number; last: number; size: 6 | 7; dropped: boolean }
  | { kind: 'packed'; run: number; offset: number; length: number };

const OTHER = -1;
const SEPARATOR = -2;
const INVISIBLE = -3;
const INVISIBLE_FORMAT = /^\p{Cf}$/u;
const MIN_LONG_RUN = 52;
const MAX_LONG_RUN = 128;
const CID_DIGITS = 48;
const MIN_GROUP_RUN = 5;
const MAX_GROUP_RUN = 8;
const MIN_ATTEMPT_RUNS = 8;
/** Below this many digits a chain can hold neither an ID nor an attempt at one. */
const MIN_CHAIN_DIGITS = MIN_GROUP_RUN * MIN_ATTEMPT_RUNS;

const classes = new Map<number, number>();

/** A digit's value, or OTHER / SEPARATOR / INVISIBLE; memoised because texts repeat few characters. */
function classify(codePoint: number): number {
  if (codePoint >= 48 && codePoint <= 57) return codePoint - 48;
  const known = classes.get(codePoint);
  if (known !== undefined) return known;
  const char = String.fromCodePoint(codePoint);
  const value = digitValue(char);
  const kind =
    value >= 0
      ? value
      : !isSeparator(char)
        ? OTHER
        : INVISIBLE_FORMAT.test(char)
          ? INVISIBLE
          : SEPARATOR;
  classes.set(codePoint, kind);
  return kind;
}

/** Finds every Installation ID in a text, and every near miss, by the rules above. */
export function scanIids(text: string): ScanResult {
  const result: ScanResult = { found: [], invalid: [], duplicates: 0 };
  const seen = new Map<string, FoundIid>();
  let line = 1;
  let runs: Run[] = [];
  let gaps: string[] = [];
  let gap: string | null = null;
  let digits = '';
  let runStart = -1;
  let runEnd = -1;
  let simple = true;

  const closeRun = () => {
    if (runStart < 0) return;
    runs.push({ digits, start: runStart, end: runEnd, simple });
    digits = '';
    runStart = -1;
    simple = true;
  };
  const closeChain = () => {
    closeRun();
    if (runs.length > 0) scanChain(text, { runs, gaps, line }, result, seen);
    runs = [];
    gaps = [];
    gap = null;
  };
  const openRun = (at: number) => {
    if (gap !== null) gaps.push(gap);
    gap = null;
    runStart = at;
  };

  for (let i = 0; i < text.length;) {
    const code = text.charCodeAt(i);
    if (code >= 48 && code <= 57) {
      if (runStart < 0) openRun(i);
      digits += text[i];
      i += 1;
      runEnd = i;
      continue;
    }
    if (code === 10 || code === 13 || code === 0x2028 || code === 0x2029) {
      closeChain();
      i += code === 13 && text.charCodeAt(i + 1) === 10 ? 2 : 1;
      line += 1;
      continue;
    }
    const codePoint = text.codePointAt(i)!;
    const width = codePoint > 0xffff ? 2 : 1;
    const kind = classify(codePoint);
    if (kind >= 0) {
      if (runStart < 0) openRun(i);
      digits += String(kind);
      if (width > 1) simple = false;
      runEnd = i + width;
    } else if (kind === INVISIBLE) {
      if (runStart >= 0) simple = false;
    } else if (kind === SEPARATOR) {
      if (runStart >= 0) {
        closeRun();
        gap = text.slice(i, i + width);
      } else if (gap !== null) {
        gap += text.slice(i, i + width);
      }
    } else {
      closeChain();
    }
    i += width;
  }
  closeChain();
  return result;
}

function scanChain(
  text: string,
  chain: Chain,
  result: ScanResult,
  seen: Map<string, FoundIid>,
): void {
  let total = 0;
  for (const run of chain.runs) total += run.digits.length;
  if (total < MIN_CHAIN_DIGITS) return;

  const segmentEnd = segmentEnds(chain);
  const matches = bestReading(chain, segmentEnd);
  const leftover = new Uint8Array(chain.runs.length).fill(1);
  for (const match of matches) {
    if (match.kind === 'packed') leftover[match.run] = 0;
    else leftover.fill(0, match.first, match.last + 1);
  }
  dropUnpinned(chain, matches, leftover);

  for (const match of matches) {
    if (match.kind === 'grouped' && match.dropped) continue;
    const span = matchSpan(text, chain, match);
    // Every group was checked already; parseIid gives the branded value, from ASCII digits
    // because reading other scripts' digits again would cost more than the whole scan.
    const iid = parseIid(matchDigits(chain, match));
    if (!iid.ok) continue;
    const first = seen.get(iid.value.digits);
    if (first) {
      first.duplicateLines.push(chain.line);
      result.duplicates += 1;
      continue;
    }
    const found: FoundIid = {
      digits: iid.value.digits,
      form: iid.value.form,
      groups: iid.value.groups,
      line: chain.line,
      start: span.start,
      end: span.end,
      text: text.slice(span.start, span.end),
      duplicateLines: [],
    };
    seen.set(found.digits, found);
    result.found.push(found);
  }
  result.invalid.push(...attempts(text, chain, leftover, segmentEnd));
}

/** Rule 4: for each run, the last run of its part of the chain. */
function segmentEnds(chain: Chain): Int32Array {
  const { gaps } = chain;
  const n = chain.runs.length;
  const ends = new Int32Array(n);
  let start = 0;
  for (let g = 0; g < n - 1; g += 1) {
    const odd = gaps[g] !== gaps[g - 1] && gaps[g] !== gaps[g + 1];
    if (odd && (g - start + 1 >= MIN_ATTEMPT_RUNS || n - 1 - g >= MIN_ATTEMPT_RUNS)) {
      ends.fill(g, start, g + 1);
      start = g + 1;
    }
  }
  ends.fill(n - 1, start);
  return ends;
}

/**
 * The reading of a chain with the most IDs, then the most uniformly separated ones, then the
 * earliest: a right-to-left pass over the runs, each run either left over, split into packed IDs,
 * or the start of a grouped ID.
 */
function bestReading(chain: Chain, segmentEnd: Int32Array): Match[] {
  const { runs } = chain;
  const n = runs.length;
  const count = new Int32Array(n + 1);
  const uniform = new Int32Array(n + 1);
  const choice: (Match[] | null)[] = new Array<Match[] | null>(n + 1).fill(null);
  const next = new Int32Array(n + 1);

  for (let r = n - 1; r >= 0; r -= 1) {
    let bestCount = -1;
    let bestUniform = -1;
    const consider = (matches: Match[] | null, after: number, uniformHere: number) => {
      if (matches === null) return;
      const c = count[after]! + matches.length;
      const u = uniform[after]! + uniformHere;
      if (c > bestCount || (c === bestCount && u > bestUniform)) {
        bestCount = c;
        bestUniform = u;
        choice[r] = matches;
        next[r] = after;
      }
    };
    const packed = packedSplit(runs[r]!.digits, r);
    consider(packed, r + 1, packed?.length ?? 0);
    for (const size of [7, 6] as const) {
      const grouped = groupedAt(chain, r, segmentEnd[r]!, size);
      if (grouped) consider([grouped.match], grouped.match.last + 1, grouped.uniform ? 1 : 0);
    }
    consider([], r + 1, 0);
    count[r] = bestCount;
    uniform[r] = bestUniform;
  }

  const matches: Match[] = [];
  for (let r = 0; r < n; r = next[r]!) matches.push(...choice[r]!);
  return matches;
}

/** Splits one run into touching packed IDs, 63 digits tried before 54; null when it does not divide. */
function packedSplit(digits: string, run: number): Match[] | null {
  const length = digits.length;
  if (length < 54) return null;
  // Only offsets reached through valid IDs are explored, so a long run of other digits costs little.
  const reachedBy = new Map<number, number>([[0, 0]]);
  const pending = [0];
  while (pending.length > 0 && !reachedBy.has(length)) {
    const offset = pending.pop()!;
    for (const size of [63, 54]) {
      const end = offset + size;
      if (end <= length && !reachedBy.has(end) && groupsOk(digits, offset, size / 9, 9)) {
        reachedBy.set(end, size);
        pending.push(end);
      }
    }
  }
  if (!reachedBy.has(length)) return null;
  const matches: Match[] = [];
  for (let end = length; end > 0;) {
    const size = reachedBy.get(end)!;
    matches.unshift({ kind: 'packed', run, offset: end - size, length: size });
    end -= size;
  }
  return matches;
}

function groupsOk(digits: string, offset: number, size: number, groups: number): boolean {
  for (let g = 0; g < groups; g += 1) {
    const start = offset + g * size;
    if (!groupCheckDigitOk(digits.slice(start, start + size))) return false;
  }
  return true;
}

/** A grouped ID of `size`-digit groups starting at run `first`, if the runs make one. */
function groupedAt(
  chain: Chain,
  first: number,
  limit: number,
  size: 6 | 7,
): { match: Match & { kind: 'grouped' }; uniform: boolean } | null {
  const { runs, gaps } = chain;
  const needed = size * 9;
  let sum = 0;
  let last = first;
  for (; last <= limit; last += 1) {
    const length = runs[last]!.digits.length;
    if (length % size !== 0) return null;
    sum += length;
    if (sum >= needed) break;
  }
  if (sum !== needed || last === first) return null;
  if (!groupsOk(runDigits(chain, first, last), 0, size, 9)) return null;
  let uniform = true;
  for (let g = first + 1; g < last; g += 1) if (gaps[g] !== gaps[first]) uniform = false;
  return { match: { kind: 'grouped', first, last, size, dropped: false }, uniform };
}

/** Rule 6: drops grouped IDs that a leftover group of the same kind could extend. */
function dropUnpinned(chain: Chain, matches: Match[], leftover: Uint8Array): void {
  const { runs, gaps } = chain;
  const grouped = matches.filter((match) => match.kind === 'grouped');
  const owner = new Int32Array(runs.length).fill(-1);
  grouped.forEach((match, i) => owner.fill(i, match.first, match.last + 1));
  const extends_ = (run: number, gap: number, size: number, own: Set<string>) =>
    run >= 0 &&
    run < runs.length &&
    leftover[run] === 1 &&
    runs[run]!.digits.length === size &&
    groupCheckDigitOk(runs[run]!.digits) &&
    own.has(gaps[gap]!);

  // A dropped ID leaves its runs over, which may unpin the IDs beside it: only those are looked
  // at again, so a long line of groups costs one pass, not one pass per dropped ID.
  const pending = [...grouped];
  for (let match = pending.pop(); match !== undefined; match = pending.pop()) {
    if (match.dropped) continue;
    const own = new Set(gaps.slice(match.first, match.last));
    if (
      extends_(match.first - 1, match.first - 1, match.size, own) ||
      extends_(match.last + 1, match.last, match.size, own)
    ) {
      match.dropped = true;
      leftover.fill(1, match.first, match.last + 1);
      for (const run of [match.first - 1, match.last + 1]) {
        const beside = run >= 0 && run < runs.length ? grouped[owner[run]!] : undefined;
        if (beside && !beside.dropped) pending.push(beside);
      }
    }
  }
}

function matchDigits(chain: Chain, match: Match): string {
  if (match.kind === 'packed') {
    return chain.runs[match.run]!.digits.slice(match.offset, match.offset + match.length);
  }
  return runDigits(chain, match.first, match.last);
}

function runDigits(chain: Chain, first: number, last: number): string {
  let digits = '';
  for (let r = first; r <= last; r += 1) digits += chain.runs[r]!.digits;
  return digits;
}

function matchSpan(text: string, chain: Chain, match: Match): { start: number; end: number } {
  if (match.kind === 'grouped') {
    return { start: chain.runs[match.first]!.start, end: chain.runs[match.last]!.end };
  }
  const run = chain.runs[match.run]!;
  if (run.simple) {
    return { start: run.start + match.offset, end: run.start + match.offset + match.length };
  }
  return {
    start: digitOffset(text, run, match.offset),
    end: digitEnd(text, run, match.offset + match.length - 1),
  };
}

/** Where the `index`-th digit of a run starts in the text. */
function digitOffset(text: string, run: Run, index: number): number {
  let seen = 0;
  for (let i = run.start; i < run.end;) {
    const codePoint = text.codePointAt(i)!;
    if (classify(codePoint) >= 0) {
      if (seen === index) return i;
      seen += 1;
    }
    i += codePoint > 0xffff ? 2 : 1;
  }
  return run.end;
}

/** Where the `index`-th digit of a run ends in the text. */
function digitEnd(text: string, run: Run, index: number): number {
  const start = digitOffset(text, run, index);
  return start + (text.codePointAt(start)! > 0xffff ? 2 : 1);
}

/** Rule 8: the near misses among the leftover runs of a chain. */
function attempts(
  text: string,
  chain: Chain,
  leftover: Uint8Array,
  segmentEnd: Int32Array,
): InvalidCandidate[] {
  const { runs } = chain;
  const spans: [number, number][] = [];

  for (let r = 0; r < runs.length; r += 1) {
    const length = runs[r]!.digits.length;
    if (
      leftover[r] === 1 &&
      length >= MIN_LONG_RUN &&
      length <= MAX_LONG_RUN &&
      length % CID_DIGITS !== 0
    ) {
      spans.push([r, r]);
    }
  }

  const groupLike = (r: number) => {
    const length = runs[r]!.digits.length;
    return leftover[r] === 1 && length >= MIN_GROUP_RUN && length <= MAX_GROUP_RUN;
  };
  for (let r = 0; r < runs.length;) {
    if (!groupLike(r)) {
      r += 1;
      continue;
    }
    let last = r;
    while (last + 1 <= segmentEnd[r]! && groupLike(last + 1)) last += 1;
    if (looksLikeAttempt(runs, r, last)) spans.push([r, last]);
    r = last + 1;
  }

  spans.sort((a, b) => a[0] - b[0]);
  return spans.flatMap(([first, last]) => {
    // The span holds only digits and separators, so its ASCII digits give the same verdict.
    const parsed = parseIid(runDigits(chain, first, last));
    // Nine valid groups in a row are taken by rule 5 or dropped with a neighbour by rule 6.
    if (parsed.ok) return [];
    const start = runs[first]!.start;
    const end = runs[last]!.end;
    const { error } = parsed;
    return [
      { line: chain.line, start, end, text: text.slice(start, end), reason: error.message, error },
    ];
  });
}

function looksLikeAttempt(runs: Run[], first: number, last: number): boolean {
  const n = last - first + 1;
  if (n < MIN_ATTEMPT_RUNS) return false;
  let sixes = 0;
  let sevens = 0;
  for (let r = first; r <= last; r += 1) {
    const length = runs[r]!.digits.length;
    if (length === 6) sixes += 1;
    else if (length === 7) sevens += 1;
  }
  if (sixes === n && n % 8 === 0 && n % 9 !== 0) return false; // Confirmation IDs
  const size = sevens > sixes ? 7 : 6;
  let good = 0;
  for (let r = first; r <= last; r += 1) {
    const group = runs[r]!.digits;
    if (group.length === size && groupCheckDigitOk(group)) good += 1;
  }
  return good * 3 >= n * 2;
}
