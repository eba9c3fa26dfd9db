import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkDigitFor, groupCheckDigitOk } from './digits';
import { parseIid } from './iid';
import { scanIids, type ScanResult } from './iid-scan';
import { SAMPLE_BLOCKED, SAMPLE_SUCCESS } from './protocol-samples';

const IID63 = SAMPLE_SUCCESS.iid;
const IID54 = SAMPLE_BLOCKED.iid;
const CID = SAMPLE_SUCCESS.cid;

/** A valid IID of the given form, different for every seed. */
function makeIid(seed: number, form: 54 | 63 = 63): string {
  const size = form === 63 ? 7 : 6;
  let iid = '';
  for (let group = 0; group < 9; group += 1) {
    const payload = String((seed * 7919 + group * 104_729 + 12_345) % 10 ** (size - 1)).padStart(
      size - 1,
      '0',
    );
    iid += payload + String(checkDigitFor(payload));
  }
  return iid;
}

function groupsOf(iid: string): string[] {
  return iid.match(iid.length === 63 ? /.{7}/g : /.{6}/g)!;
}

function spaced(iid: string, separator: string): string {
  return groupsOf(iid).join(separator);
}

/** The same digits in another script: 0xff10 full-width, 0x660 Arabic-Indic, 0x1d7ce mathematical bold. */
function inScript(text: string, zero: number): string {
  return text.replace(/\d/g, (d) => String.fromCodePoint(zero + Number(d)));
}

/** The IID with digit `position` of group `group` (both 0-based) changed so that the group fails. */
function withTypo(iid: string, group: number, position = 0): string {
  const size = iid.length / 9;
  const at = group * size + (position % size);
  for (let delta = 1; delta < 10; delta += 1) {
    const changed = iid.slice(0, at) + String((Number(iid[at]) + delta) % 10) + iid.slice(at + 1);
    if (!groupCheckDigitOk(changed.slice(group * size, (group + 1) * size))) return changed;
  }
  throw new Error('unreachable: some digit always breaks the check');
}

/** The found IDs as [digits, line, text as written]. */
function found(result: ScanResult): [string, number, string][] {
  return result.found.map((iid) => [iid.digits, iid.line, iid.text]);
}

/** The near misses as [line, text as written, reason]. */
function invalid(result: ScanResult): [number, string, string][] {
  return result.invalid.map((miss) => [miss.line, miss.text, miss.reason]);
}

function reasonFor(text: string): string {
  const parsed = parseIid(text);
  if (parsed.ok) throw new Error(`${text} is a valid IID`);
  return parsed.error.message;
}

describe('scanIids: layouts', () => {
  it('finds one IID per line in every way of writing one', () => {
    const layouts = [
      (iid: string) => iid,
      (iid: string) => spaced(iid, ' '),
      (iid: string) => spaced(iid, '-'),
      (iid: string) => spaced(iid, '\t'),
      (iid: string) => spaced(iid, '\u00a0'),
      (iid: string) => spaced(iid, '\u2013'),
      (iid: string) => spaced(iid, ' - '),
      (iid: string) => spaced(iid, '\u3000'),
      (iid: string) => inScript(spaced(iid, ' '), 0xff10),
      (iid: string) => inScript(iid, 0x660),
      (iid: string) => inScript(spaced(iid, '-'), 0x1d7ce),
      // Invisible characters copied from web pages do not split a group.
      (iid: string) => spaced(iid, '\u200b ').replace(/(\d{3})/, '$1\u00ad'),
    ];
    const lines = layouts.flatMap((layout, i) => [layout(makeIid(i, 63)), layout(makeIid(i, 54))]);
    const result = scanIids(lines.join('\n'));
    expect(found(result)).toEqual(
      lines.map((line, i) => [makeIid(i >> 1, i % 2 === 0 ? 63 : 54), i + 1, line]),
    );
    expect(result.found.map((iid) => iid.form)).toEqual(lines.map((_, i) => (i % 2 ? 54 : 63)));
    expect(result.invalid).toEqual([]);
    expect(result.duplicates).toBe(0);
  });

  it('gives the groups, the form and the exact span in the text', () => {
    const text = `IID: ${inScript(IID63.slice(0, 7), 0x1d7ce)}${IID63.slice(7)} ok`;
    const [iid] = scanIids(text).found;
    expect(iid).toEqual({
      digits: IID63,
      form: 63,
      groups: groupsOf(IID63),
      line: 1,
      start: 5,
      end: 5 + 14 + 56,
      text: text.slice(5, -3),
      duplicateLines: [],
    });
  });

  it('reads several IDs on one line, separated by commas, semicolons, spaces or tabs', () => {
    const [a, b, c, d] = [makeIid(1), makeIid(2, 54), makeIid(3), makeIid(4, 54)];
    const line = `${a},${b}; ${c} ${d}\t${IID63}`;
    expect(scanIids(line).found.map((iid) => iid.digits)).toEqual([a, b, c, d, IID63]);
  });

  it('tells IDs apart by their gaps: single spaces inside, a comma or a wider gap between', () => {
    const [a, b, c] = [makeIid(5), makeIid(6), makeIid(7)];
    const line = `${spaced(a, ' ')}, ${spaced(b, ' ')}  ${spaced(c, ' ')}\t${spaced(IID54, ' ')}`;
    expect(found(scanIids(line))).toEqual([
      [a, 1, spaced(a, ' ')],
      [b, 1, spaced(b, ' ')],
      [c, 1, spaced(c, ' ')],
      [IID54, 1, spaced(IID54, ' ')],
    ]);
  });

  it('splits eighteen groups with the same gap into two IDs by their check digits', () => {
    const [a, b] = [makeIid(8), makeIid(9)];
    expect(found(scanIids(`${spaced(a, ' ')} ${spaced(b, ' ')}`))).toEqual([
      [a, 1, spaced(a, ' ')],
      [b, 1, spaced(b, ' ')],
    ]);
  });

  it('splits IDs that touch, without separators', () => {
    const [a, b, c] = [makeIid(10), makeIid(11, 54), makeIid(12)];
    const result = scanIids(`${a}${b}${c}\n${IID54}${IID63}`);
    expect(found(result)).toEqual([
      [a, 1, a],
      [b, 1, b],
      [c, 1, c],
      [IID54, 2, IID54],
      [IID63, 2, IID63],
    ]);
    expect(result.found[1]).toMatchObject({ start: 63, end: 117 });
  });

  it('reads a CSV export with quoting, Windows line ends and other columns', () => {
    const [a, b] = [makeIid(13), makeIid(14, 54)];
    const csv = [
      'Host,Date,Installation ID,Seats,Note',
      `pc-017,2026-03-01,"${spaced(a, '-')}",25,"said ""call 0800 123 4567"""`,
      `srv02.corp.example,01/03/2026,${b},1,`,
      `"laptop, 3rd floor",2026-03-02 09:15,"${spaced(IID63, ' ')}",12,ok`,
      '',
    ].join('\r\n');
    const result = scanIids(csv);
    expect(found(result)).toEqual([
      [a, 2, spaced(a, '-')],
      [b, 3, b],
      [IID63, 4, spaced(IID63, ' ')],
    ]);
    expect(result.invalid).toEqual([]);
  });

  it('reads a tab-separated export whose neighbouring columns hold numbers', () => {
    const a = makeIid(15);
    // 1234565 passes its check digit but is joined by a tab, not by the dashes inside the ID.
    const tsv = `pc-017\t2026-03-01\t${spaced(a, '-')}\t1234565\t4711\n`;
    expect(found(scanIids(tsv))).toEqual([[a, 1, spaced(a, '-')]]);
  });

  it('finds IDs inside the text of an e-mail', () => {
    const mail = [
      'Hello,',
      '',
      `the Installation ID of PC42 is: ${spaced(IID63, ' ')}.`,
      `Office (ospp.vbs /dinstid) says Installation ID for: Office 21, ProPlus2021VL_MAK edition: ${IID54}`,
      '> quoted from yesterday: IID=' + spaced(makeIid(16), '-') + ' (the old one)',
      'Regards, Sam (+1 425 555 0100)',
    ].join('\n');
    expect(found(scanIids(mail))).toEqual([
      [IID63, 3, spaced(IID63, ' ')],
      [IID54, 4, IID54],
      [makeIid(16), 5, spaced(makeIid(16), '-')],
    ]);
  });

  it('numbers lines after LF, CR LF, CR and the Unicode line and paragraph separators', () => {
    const text = `a\nb\r\nc\rd\u2028e\u2029${IID63}\r\n\n${IID54}`;
    expect(scanIids(text).found.map((iid) => iid.line)).toEqual([6, 8]);
  });

  it('does not join an ID across a line break', () => {
    const groups = groupsOf(makeIid(17));
    const result = scanIids(`${groups.slice(0, 5).join(' ')}\n${groups.slice(5).join(' ')}`);
    expect(result).toEqual({ found: [], invalid: [], duplicates: 0 });
  });
});

describe('scanIids: duplicates', () => {
  it('keeps the first occurrence and counts the others, however they are written', () => {
    const text = [
      `${spaced(IID63, '-')}`,
      `${IID54}, ${IID63}`,
      inScript(spaced(IID63, ' '), 0xff10),
      IID54,
    ].join('\n');
    const result = scanIids(text);
    expect(found(result)).toEqual([
      [IID63, 1, spaced(IID63, '-')],
      [IID54, 2, IID54],
    ]);
    expect(result.found.map((iid) => iid.duplicateLines)).toEqual([[2, 3], [4]]);
    expect(result.duplicates).toBe(3);
  });
});

describe('scanIids: near misses', () => {
  it('names the group whose check digit fails, on the right line', () => {
    const typo = withTypo(IID63, 2);
    const text = `ok ${IID54}\nIID: ${spaced(typo, ' ')} (from the phone dialog)`;
    const result = scanIids(text);
    expect(found(result)).toEqual([[IID54, 1, IID54]]);
    expect(invalid(result)).toEqual([
      [2, spaced(typo, ' '), 'Group 3 of the Installation ID does not pass its check digit.'],
    ]);
    expect(result.invalid[0]).toMatchObject({
      start: text.indexOf(typo.slice(0, 7)),
      error: { kind: 'invalid-input', badGroups: [3] },
    });
  });

  it('names every failing group of a packed ID', () => {
    const typo = withTypo(withTypo(IID54, 1), 8, 3);
    expect(invalid(scanIids(`x,${typo},y`))).toEqual([
      [1, typo, 'Groups 2 and 9 of the Installation ID do not pass their check digits.'],
    ]);
  });

  it('reports runs with a digit missing or too many', () => {
    const result = scanIids(`${IID63.slice(0, 62)}\n${IID63}5\n${IID54.slice(1)}`);
    expect(invalid(result)).toEqual([
      [1, IID63.slice(0, 62), reasonFor(IID63.slice(0, 62))],
      [2, `${IID63}5`, reasonFor(`${IID63}5`)],
      [3, IID54.slice(1), reasonFor(IID54.slice(1))],
    ]);
    expect(result.invalid[0]!.reason).toBe(
      '62 digits were found; an Installation ID has 63 digits (9 groups of 7) or 54 digits (9 groups of 6).',
    );
    expect(result.invalid[0]!.error.advice).toMatch(/^1 digit is missing for a 63-digit ID/);
    expect(result.found).toEqual([]);
  });

  it('reports a group with a digit missing', () => {
    const groups = groupsOf(makeIid(20));
    groups[4] = groups[4]!.slice(1);
    const written = groups.join(' ');
    expect(invalid(scanIids(written))).toEqual([[1, written, reasonFor(written)]]);
  });

  it('reports eight groups and ten groups instead of guessing which nine are meant', () => {
    const groups = groupsOf(makeIid(21));
    const eight = groups.slice(0, 8).join('-');
    const doubled = [...groups.slice(0, 4), groups[3], ...groups.slice(4)].join(' ');
    const result = scanIids(`${eight}\n${doubled}`);
    expect(result.found).toEqual([]);
    expect(invalid(result)).toEqual([
      [
        1,
        eight,
        '56 digits were found; an Installation ID has 63 digits (9 groups of 7) or 54 digits (9 groups of 6).',
      ],
      [
        2,
        doubled,
        '70 digits were found; an Installation ID has 63 digits (9 groups of 7) or 54 digits (9 groups of 6).',
      ],
    ]);
  });

  it('takes a number beside an ID as a tenth group only when it could be one', () => {
    const a = makeIid(22);
    // 1234567 fails its check digit, so it cannot belong to the ID; 1234565 passes, so it could.
    expect(found(scanIids(`1234567 ${spaced(a, ' ')}`))).toEqual([[a, 1, spaced(a, ' ')]]);
    const ambiguous = scanIids(`1234565 ${spaced(a, ' ')}`);
    expect(ambiguous.found).toEqual([]);
    expect(invalid(ambiguous)).toEqual([
      [1, `1234565 ${spaced(a, ' ')}`, reasonFor(`1234565 ${spaced(a, ' ')}`)],
    ]);
  });

  it('drops the IDs beside a dropped one when the same doubt reaches them', () => {
    const [a, b] = [makeIid(27), makeIid(28)];
    const line = `${spaced(a, ' ')} ${spaced(b, ' ')} 1234565`;
    const result = scanIids(`${line}\n${spaced(a, ' ')} ${spaced(b, ' ')} 1234567`);
    // 19 groups of 7, all passing: no way to tell which 18 are the two IDs.
    expect(invalid(result)).toEqual([[1, line, reasonFor(line)]]);
    expect(found(result)).toEqual([
      [a, 2, spaced(a, ' ')],
      [b, 2, spaced(b, ' ')],
    ]);
  });

  it('reports two near misses on one line apart when their gaps tell them apart', () => {
    const [a, b] = [withTypo(makeIid(23), 0), withTypo(makeIid(24), 8)];
    const line = `${spaced(a, ' ')}\t${spaced(b, '-')}`;
    expect(invalid(scanIids(line))).toEqual([
      [1, spaced(a, ' '), reasonFor(a)],
      [1, spaced(b, '-'), reasonFor(b)],
    ]);
  });

  it('finds the good ID beside a near miss on the same line', () => {
    const [good, bad] = [makeIid(25), withTypo(makeIid(26), 4)];
    const result = scanIids(`${spaced(bad, ' ')}  ${spaced(good, ' ')}`);
    expect(found(result)).toEqual([[good, 1, spaced(good, ' ')]]);
    expect(invalid(result)).toEqual([[1, spaced(bad, ' '), reasonFor(bad)]]);
  });
});

describe('scanIids: ordinary numbers', () => {
  it('reports nothing for dates, phone numbers, hosts, Confirmation IDs and other numbers', () => {
    const text = [
      'Date: 2026-03-01 09:15:00 +0100, 01/03/2026, 1.3.2026',
      'Phone: +1 425 555 0100, +49 30 1234 5678, (0800) 123-4567, 0044 20 7946 0958 123',
      'Hosts: pc-017, srv02.corp.example, WS-2026-0042, 10.0.12.7, fe80::1',
      'Order 4711, serial 20260301123456789012, invoice 1,234,567.89 EUR',
      '{9566c461-cea7-4d04-89a9-635966486da9}',
      `CID ${CID}`,
      `CID ${spaced(CID, '-')}`,
      `CID A ${CID.slice(0, 6)} B ${CID.slice(6, 12)}`,
      `CID ${CID.match(/.{6}/g)!.join(' ')}`,
      `two CIDs glued: ${CID}${CID}`,
      'Asset numbers: 1234567 2345678 3456789 4567890 5678901 6789012 7890123 8901234 9012345',
      'Sizes 100000 200000 300000 400000 500000 600000 700000 800000 900000',
      `Short: ${IID63.slice(0, 40)}`,
    ].join('\n');
    expect(scanIids(text)).toEqual({ found: [], invalid: [], duplicates: 0 });
  });
});

/** Digits of other scripts by their zero: ASCII, full-width, Arabic-Indic, Devanagari, mathematical bold. */
const SCRIPTS = [0x30, 0xff10, 0x660, 0x966, 0x1d7ce];
/** Ways of separating the groups of one ID ('' writes it packed). */
const GROUP_SEPARATORS = ['', ' ', '-', '\t', '\u00a0', '\u2013', ' - ', '\u3000'];
/** Between two IDs on one line: punctuation, or a gap unlike the gaps inside either ID. */
const PUNCTUATION_JOINERS = [',', ', ', ';', '; ', ' | '];
const GAP_JOINERS = ['  ', '\t', '   '];
/** Between an ID and other text. */
const TEXT_JOINERS = [', ', '; ', ' | ', ': ', ' / ', ' (', ') '];
const FILLERS = [
  'Hello',
  'Installation ID:',
  'host-pc01',
  'srv02.corp.example',
  'WS-2026-0042',
  '2026-03-01',
  '01/03/2026 09:15',
  '+1 425 555 0100',
  '10.0.12.7',
  '{9566c461-cea7-4d04-89a9-635966486da9}',
  CID,
  CID.match(/.{6}/g)!.join('-'),
  '"quoted, text"',
  'Seats: 25',
];

const validGroup = (size: number) =>
  fc
    .array(fc.integer({ min: 0, max: 9 }), { minLength: size - 1, maxLength: size - 1 })
    .map((digits) => digits.join('') + String(checkDigitFor(digits.join(''))));

const validIid = fc
  .constantFrom(6, 7)
  .chain((size) => fc.array(validGroup(size), { minLength: 9, maxLength: 9 }))
  .map((groups) => groups.join(''));

const idEntry = (typo: boolean) =>
  fc.record({
    kind: fc.constant(typo ? ('typo' as const) : ('iid' as const)),
    pick: fc.nat(),
    separator: fc.constantFrom(...GROUP_SEPARATORS),
    script: fc.constantFrom(...SCRIPTS),
    quoted: fc.boolean(),
    typoGroup: fc.nat({ max: 8 }),
    typoPosition: fc.nat({ max: 6 }),
    joiner: fc.nat(),
  });

const fillerEntry = fc.record({
  kind: fc.constant('filler' as const),
  text: fc.oneof(fc.constantFrom(...FILLERS), fc.nat({ max: 10 ** 9 }).map(String)),
  joiner: fc.nat(),
});

const document = (typos: boolean) =>
  fc.record({
    pool: fc.array(validIid, { minLength: 1, maxLength: 6 }),
    lines: fc.array(
      fc.array(
        typos
          ? fc.oneof(
              { weight: 3, arbitrary: idEntry(false) },
              { weight: 2, arbitrary: idEntry(true) },
              { weight: 2, arbitrary: fillerEntry },
            )
          : fc.oneof(
              { weight: 3, arbitrary: idEntry(false) },
              { weight: 2, arbitrary: fillerEntry },
            ),
        { maxLength: 5 },
      ),
      { minLength: 1, maxLength: 8 },
    ),
    lineEnds: fc.array(fc.constantFrom('\n', '\r\n'), { minLength: 8, maxLength: 8 }),
  });

type Entry =
  | { kind: 'filler'; text: string; joiner: number }
  | {
      kind: 'iid' | 'typo';
      pick: number;
      separator: string;
      script: number;
      quoted: boolean;
      typoGroup: number;
      typoPosition: number;
      joiner: number;
    };

interface Placed {
  kind: 'iid' | 'typo';
  digits: string;
  written: string;
  line: number;
}

/** Writes the generated document and lists the IDs in it, in order, as they were written. */
function render(doc: { pool: string[]; lines: Entry[][]; lineEnds: string[] }) {
  const placed: Placed[] = [];
  const lines = doc.lines.map((entries, lineIndex) => {
    let text = '';
    let previous: Entry | null = null;
    for (const entry of entries) {
      if (previous) text += joinerBetween(previous, entry);
      if (entry.kind === 'filler') {
        text += entry.text;
      } else {
        const valid = doc.pool[entry.pick % doc.pool.length]!;
        const digits =
          entry.kind === 'typo' ? withTypo(valid, entry.typoGroup, entry.typoPosition) : valid;
        const written = inScript(spaced(digits, entry.separator), entry.script);
        placed.push({ kind: entry.kind, digits, written, line: lineIndex + 1 });
        text += entry.quoted ? `"${written}"` : written;
      }
      previous = entry;
    }
    return text;
  });
  const text = lines.map((line, i) => line + doc.lineEnds[i]!).join('');
  return { text, placed };
}

function joinerBetween(left: Entry, right: Entry): string {
  if (left.kind === 'filler' || right.kind === 'filler') {
    return TEXT_JOINERS[right.joiner % TEXT_JOINERS.length]!;
  }
  const gaps = GAP_JOINERS.filter((gap) => gap !== left.separator && gap !== right.separator);
  const touching =
    left.kind === 'iid' &&
    right.kind === 'iid' &&
    left.separator === '' &&
    right.separator === '' &&
    !left.quoted &&
    !right.quoted
      ? ['']
      : [];
  const choices = [...PUNCTUATION_JOINERS, ...gaps, ...touching];
  return choices[right.joiner % choices.length]!;
}

describe('scanIids: properties', () => {
  it('finds every valid ID in any surrounding text, in order, each once', () => {
    fc.assert(
      fc.property(document(false), (doc) => {
        const { text, placed } = render(doc);
        const result = scanIids(text);
        const firsts = placed.filter(
          (id, i) => placed.findIndex((other) => other.digits === id.digits) === i,
        );
        expect(found(result)).toEqual(firsts.map((id) => [id.digits, id.line, id.written]));
        for (const iid of result.found) expect(text.slice(iid.start, iid.end)).toBe(iid.text);
        expect(result.duplicates).toBe(placed.length - firsts.length);
        expect(result.invalid).toEqual([]);
      }),
      { seed: 2026, numRuns: 300 },
    );
  });

  it('reports every mistyped ID on its line and still finds every valid one', () => {
    fc.assert(
      fc.property(document(true), (doc) => {
        const { text, placed } = render(doc);
        const result = scanIids(text);
        const valid = placed.filter((id) => id.kind === 'iid');
        const firsts = valid.filter(
          (id, i) => valid.findIndex((other) => other.digits === id.digits) === i,
        );
        expect(found(result)).toEqual(firsts.map((id) => [id.digits, id.line, id.written]));
        expect(invalid(result)).toEqual(
          placed
            .filter((id) => id.kind === 'typo')
            .map((id) => [id.line, id.written, reasonFor(id.digits)]),
        );
        for (const miss of result.invalid) expect(text.slice(miss.start, miss.end)).toBe(miss.text);
      }),
      { seed: 2026, numRuns: 300 },
    );
  });
});
