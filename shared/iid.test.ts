import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkDigitFor } from './digits';
import { analyzeIid, parseIid } from './iid';
import { SAMPLE_BLOCKED, SAMPLE_SUCCESS } from './protocol-samples';

const IID63 = SAMPLE_SUCCESS.iid;
const IID54 = SAMPLE_BLOCKED.iid;

/** The sample IID with one digit of group `group` (1-based) changed so its check digit fails. */
function withTypoInGroup(iid: string, group: number, size: number): string {
  const at = (group - 1) * size;
  const digit = (Number(iid[at]) + 1) % 10;
  return iid.slice(0, at) + String(digit) + iid.slice(at + 1);
}

/** Arbitrary group of `size` digits that ends in its right check digit. */
const validGroup = (size: number) =>
  fc
    .array(fc.integer({ min: 0, max: 9 }), { minLength: size - 1, maxLength: size - 1 })
    .map((digits) => {
      const payload = digits.join('');
      return payload + String(checkDigitFor(payload));
    });

const validIid = fc
  .constantFrom(6, 7)
  .chain((size) => fc.array(validGroup(size), { minLength: 9, maxLength: 9 }));

describe('parseIid', () => {
  it('accepts both sample IIDs and splits them into 9 groups', () => {
    const long = parseIid(IID63);
    expect(long).toMatchObject({ ok: true, value: { digits: IID63, form: 63 } });
    if (long.ok) expect(long.value.groups[0]).toBe('7221196');
    const short = parseIid(IID54);
    expect(short).toMatchObject({ ok: true, value: { digits: IID54, form: 54 } });
    if (short.ok) expect(short.value.groups).toHaveLength(9);
  });

  it('ignores spaces, dashes, line breaks, tabs and invisible characters between groups', () => {
    const groups = IID63.match(/.{7}/g)!;
    const messy = `  ${groups.slice(0, 3).join(' ')}\r\n${groups.slice(3, 6).join('-')}\t${groups
      .slice(6)
      .join('\u2013\u00a0\u200b')}\n`;
    expect(parseIid(messy)).toMatchObject({ ok: true, value: { digits: IID63 } });
  });

  it('reads full-width, Arabic-Indic and Devanagari digits', () => {
    const fullWidth = [...IID63].map((d) => String.fromCharCode(0xff10 + Number(d))).join('');
    const arabic = [...IID54].map((d) => String.fromCharCode(0x0660 + Number(d))).join(' ');
    const devanagari = [...IID54].map((d) => String.fromCharCode(0x0966 + Number(d))).join('');
    expect(parseIid(fullWidth)).toMatchObject({ ok: true, value: { digits: IID63 } });
    expect(parseIid(arabic)).toMatchObject({ ok: true, value: { digits: IID54 } });
    expect(parseIid(devanagari)).toMatchObject({ ok: true, value: { digits: IID54 } });
  });

  it('names the group whose check digit fails', () => {
    const result = parseIid(withTypoInGroup(IID63, 3, 7));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.kind).toBe('invalid-input');
    expect(result.error.message).toBe(
      'Group 3 of the Installation ID does not pass its check digit.',
    );
    expect(result.error.badGroups).toEqual([3]);
  });

  it('names every failing group', () => {
    const typos = withTypoInGroup(withTypoInGroup(IID54, 2, 6), 9, 6);
    const result = parseIid(typos);
    expect(!result.ok && result.error.message).toBe(
      'Groups 2 and 9 of the Installation ID do not pass their check digits.',
    );
  });

  it('says how many digits were found and how many are needed', () => {
    const result = parseIid(IID63.slice(0, -1));
    expect(!result.ok && result.error.message).toBe(
      '62 digits were found; an Installation ID has 63 digits (9 groups of 7) or 54 digits (9 groups of 6).',
    );
    expect(!result.ok && result.error.advice).toMatch(/^1 digit is missing for a 63-digit ID/);
    const extra = parseIid(`${IID54}12`);
    expect(!extra.ok && extra.error.advice).toMatch(
      /^There are 2 digits too many for a 54-digit ID/,
    );
  });

  it('lists characters that are not digits', () => {
    const result = parseIid(`${IID63.slice(0, 10)}O${IID63.slice(11)}x`);
    expect(!result.ok && result.error.message).toBe(
      'The Installation ID contains characters that are not digits: "O", "x".',
    );
  });

  it('explains an empty entry', () => {
    expect(parseIid(' \n ')).toMatchObject({
      ok: false,
      error: { message: 'No Installation ID was entered.' },
    });
  });

  it('accepts every IID whose groups carry right check digits, however it is spaced', () => {
    fc.assert(
      fc.property(validIid, fc.constantFrom(' ', '-', '\n', '', '\u3000'), (groups, sep) => {
        const result = parseIid(groups.join(sep));
        expect(result).toMatchObject({ ok: true, value: { digits: groups.join(''), groups } });
      }),
      { seed: 2026, numRuns: 500 },
    );
  });

  it('catches every single-digit typo that the check digit can see, and names its group', () => {
    fc.assert(
      fc.property(validIid, fc.nat(), fc.integer({ min: 1, max: 9 }), (groups, position, delta) => {
        const size = groups[0]!.length;
        const digits = groups.join('');
        const at = position % digits.length;
        const old = Number(digits[at]);
        const typo = (old + delta) % 10;
        const result = parseIid(digits.slice(0, at) + String(typo) + digits.slice(at + 1));
        // Weights 1 and 2 are invertible modulo 7, so the only typo a group cannot notice is a
        // payload digit off by exactly 7; a changed check digit is always noticed.
        const invisible = at % size !== size - 1 && Math.abs(typo - old) === 7;
        if (invisible) expect(result.ok).toBe(true);
        else
          expect(result).toMatchObject({
            ok: false,
            error: { badGroups: [Math.floor(at / size) + 1] },
          });
      }),
      { seed: 2026, numRuns: 1000 },
    );
  });
});

describe('analyzeIid', () => {
  it('reports each group as complete and checked while the user types', () => {
    const partial = analyzeIid(`${IID63.slice(0, 14)}12`, 7);
    expect(partial.groups).toEqual([
      { digits: '7221196', complete: true, checkOk: true },
      { digits: '9197040', complete: true, checkOk: true },
      { digits: '12', complete: false, checkOk: null },
    ]);
    expect(partial.form).toBeNull();
  });

  it('detects the form from the digit count', () => {
    expect(analyzeIid(IID54).form).toBe(54);
    expect(analyzeIid(IID63).groupSize).toBe(7);
  });
});
