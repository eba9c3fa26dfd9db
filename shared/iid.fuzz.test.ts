/**
 * Property tests for reading Installation IDs as users paste them (normalizeDigits, analyzeIid,
 * parseIid), beyond the examples in iid.test.ts and digits.test.ts: any text at all, separators
 * anywhere (not only between groups), every Unicode decimal digit, and agreement between the
 * three functions. Check digits are recomputed here independently of shared/digits.ts.
 *
 * Runs are fixed by seed and count; FUZZ_RUNS (and FUZZ_SEED) in the environment run longer.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { digitValue, normalizeDigits } from './digits';
import { analyzeIid, parseIid } from './iid';
import { groupPasses, runs, TEST_TIMEOUT } from './test-support/fuzz';

/** Every Unicode decimal digit (Nd) of this Node's Unicode version, in maximal runs of code points. */
function decimalDigitRuns(): number[][] {
  // Every code point but the surrogates (not characters, never Nd), searched by one regex.
  const parts: string[] = [];
  for (let start = 0; start <= 0x10ffff; start += 0x1000) {
    const codePoints: number[] = [];
    for (let codePoint = start; codePoint < start + 0x1000; codePoint += 1) {
      if (codePoint < 0xd800 || codePoint > 0xdfff) codePoints.push(codePoint);
    }
    parts.push(String.fromCodePoint(...codePoints));
  }
  return [...parts.join('').matchAll(/\p{Nd}+/gu)].map((match) =>
    [...match[0]].map((char) => char.codePointAt(0)!),
  );
}

const DIGIT_RUNS = decimalDigitRuns();
/** The zero of every script's digits: each run is one or more blocks of ten, zero first. */
const ZEROS = DIGIT_RUNS.flatMap((run) => run.filter((_, i) => i % 10 === 0));
const NON_ASCII_ZEROS = ZEROS.filter((zero) => zero !== 0x30);

/**
 * What people paste between digits, listed by hand rather than taken from the implementation:
 * white space of all sorts, hyphens and dashes, the minus sign, and invisible format characters.
 */
const SEPARATORS = [
  ' ',
  '\t',
  '\n',
  '\r',
  '\v',
  '\f',
  '\u00a0',
  '\u1680',
  '\u2000',
  '\u2002',
  '\u2003',
  '\u2007',
  '\u2009',
  '\u200a',
  '\u2028',
  '\u2029',
  '\u202f',
  '\u205f',
  '\u3000',
  '\ufeff',
  '-',
  '\u2010',
  '\u2011',
  '\u2012',
  '\u2013',
  '\u2014',
  '\u2015',
  '\u2212',
  '\ufe58',
  '\ufe63',
  '\uff0d',
  '\u00ad',
  '\u200b',
  '\u200c',
  '\u200d',
  '\u2060',
];

const validGroup = (size: number) =>
  fc
    .array(fc.integer({ min: 0, max: 9 }), { minLength: size - 1, maxLength: size - 1 })
    .map((digits) => {
      const sum = digits.reduce((total, digit, i) => total + digit * (i % 2 === 0 ? 1 : 2), 0);
      return digits.join('') + String(sum % 7);
    });

const validIid = fc
  .constantFrom(6, 7)
  .chain((size) => fc.array(validGroup(size), { minLength: 9, maxLength: 9 }))
  .map((groups) => groups.join(''));

/** Text of every kind: any code point, lone surrogates, and mixes of digits, separators and junk. */
const anyText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 120 }),
  fc.string({ unit: 'grapheme', maxLength: 80 }),
  fc.string({
    unit: fc.integer({ min: 0xd800, max: 0xdfff }).map((unit) => String.fromCharCode(unit)),
    maxLength: 10,
  }),
  fc.string({
    unit: fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom(...'0123456789') },
      { weight: 2, arbitrary: fc.constantFrom(...SEPARATORS) },
      {
        weight: 2,
        arbitrary: fc
          .tuple(fc.constantFrom(...ZEROS), fc.integer({ min: 0, max: 9 }))
          .map(([zero, d]) => String.fromCodePoint(zero + d)),
      },
      { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
    ),
    maxLength: 80,
  }),
);

/** The character as the error message shows it: quoted when visible, else its code point. */
function mentions(message: string, char: string): boolean {
  const hex = `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
  return message.includes(`"${char}"`) || message.includes(hex);
}

describe('the premise of digitValue', () => {
  it('finds every Unicode decimal digit in runs of ten, zero first, and reads each one', () => {
    expect(DIGIT_RUNS.length).toBeGreaterThan(50);
    const unevenRuns = DIGIT_RUNS.filter((run) => run.length % 10 !== 0);
    expect(unevenRuns).toEqual([]);
    const misread = DIGIT_RUNS.flatMap((run) =>
      run.filter((codePoint, i) => digitValue(String.fromCodePoint(codePoint)) !== i % 10),
    );
    expect(misread).toEqual([]);
  });
});

describe('normalizeDigits', () => {
  it(
    'never throws, and keeps one ASCII digit per decimal digit of the input, in order',
    () => {
      fc.assert(
        fc.property(anyText, (text) => {
          const { digits, invalidChars } = normalizeDigits(text);
          expect(digits).toMatch(/^[0-9]*$/);
          const expected = [...text]
            .filter((char) => /^\p{Nd}$/u.test(char))
            .map((char) => String(digitValue(char)))
            .join('');
          expect(digits).toBe(expected);
          expect(new Set(invalidChars).size).toBe(invalidChars.length);
          // Each complaint is one character of the input that is neither a digit nor a separator.
          const wrong = invalidChars.filter(
            (char) =>
              [...char].length !== 1 ||
              !text.includes(char) ||
              /^\p{Nd}$/u.test(char) ||
              SEPARATORS.includes(char),
          );
          expect(wrong).toEqual([]);
          expect(normalizeDigits(digits)).toEqual({ digits, invalidChars: [] });
        }),
        runs(400),
      );
    },
    TEST_TIMEOUT,
  );

  it(
    'gives the same digits and the same complaints whatever separators are added',
    () => {
      fc.assert(
        fc.property(
          anyText,
          fc.array(fc.tuple(fc.nat(), fc.constantFrom(...SEPARATORS)), { maxLength: 10 }),
          (text, inserts) => {
            const chars = [...text];
            for (const [at, separator] of inserts)
              chars.splice(at % (chars.length + 1), 0, separator);
            expect(normalizeDigits(chars.join(''))).toEqual(normalizeDigits(text));
          },
        ),
        runs(300),
      );
    },
    TEST_TIMEOUT,
  );
});

describe('parseIid and analyzeIid on any text', () => {
  it(
    'never throw; a valid result is 54 or 63 ASCII digits with every check digit right',
    () => {
      fc.assert(
        fc.property(anyText, fc.constantFrom(undefined, 6 as const, 7 as const), (text, size) => {
          const result = parseIid(text);
          const analysis = analyzeIid(text, size);
          expect(analysis.digits).toBe(normalizeDigits(text).digits);
          if (result.ok) {
            const { digits, form, groups } = result.value;
            expect(digits).toMatch(/^(?:[0-9]{54}|[0-9]{63})$/);
            expect(form).toBe(digits.length);
            expect(groups).toHaveLength(9);
            expect(groups.every((group) => group.length === form / 9)).toBe(true);
            expect(groups.join('')).toBe(digits);
            expect(groups.every(groupPasses)).toBe(true);
          } else {
            const { error } = result;
            expect(error.kind).toBe('invalid-input');
            expect(error.code).toBeNull();
            expect(error.message.trim()).not.toBe('');
            expect(error.advice.trim()).not.toBe('');
            if (error.badGroups !== undefined) {
              expect(error.badGroups.length).toBeGreaterThan(0);
              expect([...error.badGroups].sort((a, b) => a - b)).toEqual(error.badGroups);
              for (const group of error.badGroups) expect(group >= 1 && group <= 9).toBe(true);
            }
          }
        }),
        runs(400),
      );
    },
    TEST_TIMEOUT,
  );

  it(
    'agree: parseIid accepts exactly what analyzeIid shows as complete, clean and checked',
    () => {
      fc.assert(
        fc.property(fc.oneof(anyText, validIid), (text) => {
          const analysis = analyzeIid(text);
          const clean =
            analysis.invalidChars.length === 0 &&
            analysis.form !== null &&
            analysis.groups.every((group) => group.checkOk === true);
          expect(parseIid(text).ok).toBe(clean);
        }),
        runs(300),
      );
    },
    TEST_TIMEOUT,
  );

  it(
    'analyzeIid splits into at most 9 groups and checks exactly the complete ones',
    () => {
      fc.assert(
        fc.property(
          fc.oneof(anyText, fc.stringMatching(/^[0-9]{0,80}$/)),
          fc.constantFrom(6 as const, 7 as const),
          (text, size) => {
            const analysis = analyzeIid(text, size);
            expect(analysis.groupSize).toBe(size);
            expect(analysis.groups.length).toBeLessThanOrEqual(9);
            expect(analysis.groups.map((group) => group.digits).join('')).toBe(
              analysis.digits.slice(0, size * 9),
            );
            for (const group of analysis.groups) {
              expect(group.complete).toBe(group.digits.length === size);
              expect(group.checkOk).toBe(group.complete ? groupPasses(group.digits) : null);
            }
            const count = analysis.digits.length;
            expect(analysis.form).toBe(count === 54 || count === 63 ? count : null);
          },
        ),
        runs(300),
      );
    },
    TEST_TIMEOUT,
  );
});

describe('parseIid on valid IIDs as people paste them', () => {
  /** The IID with its digits written in any script, one script per digit or one for all. */
  const respelt = fc
    .tuple(
      validIid,
      fc.array(fc.constantFrom(...ZEROS), { minLength: 63, maxLength: 63 }),
      fc.boolean(),
    )
    .map(([iid, zeros, oneScript]) => ({
      iid,
      text: [...iid]
        .map((d, i) => String.fromCodePoint((oneScript ? zeros[0]! : zeros[i]!) + Number(d)))
        .join(''),
    }));

  it(
    'reads it the same with separators anywhere and digits in any script',
    () => {
      fc.assert(
        fc.property(
          respelt,
          fc.array(
            fc.tuple(
              fc.nat(),
              fc.array(fc.constantFrom(...SEPARATORS), { minLength: 1, maxLength: 3 }),
            ),
            {
              maxLength: 20,
            },
          ),
          ({ iid, text }, inserts) => {
            const chars = [...text];
            for (const [at, separators] of inserts)
              chars.splice(at % (chars.length + 1), 0, ...separators);
            const result = parseIid(chars.join(''));
            expect(result).toEqual(parseIid(iid));
            expect(result.ok && result.value.digits).toBe(iid);
          },
        ),
        runs(300),
      );
    },
    TEST_TIMEOUT,
  );

  it(
    'reads a fully non-ASCII IID, in every script Unicode has',
    () => {
      fc.assert(
        fc.property(validIid, fc.constantFrom(...NON_ASCII_ZEROS), (iid, zero) => {
          const text = [...iid].map((d) => String.fromCodePoint(zero + Number(d))).join(' ');
          expect(parseIid(text)).toEqual(parseIid(iid));
        }),
        runs(Math.max(200, NON_ASCII_ZEROS.length * 3)),
      );
    },
    TEST_TIMEOUT,
  );

  it(
    'refuses it with one stray character anywhere, and names that character',
    () => {
      const stray = fc
        .string({ unit: 'binary', minLength: 1, maxLength: 1 })
        .filter(
          (char) => !/^\p{Nd}$/u.test(char) && !SEPARATORS.includes(char) && !/^\s$/u.test(char),
        );
      fc.assert(
        fc.property(validIid, fc.nat(), stray, (iid, at, char) => {
          const i = at % (iid.length + 1);
          const result = parseIid(iid.slice(0, i) + char + iid.slice(i));
          // A few invisible characters are separators too (the implementation's list is longer
          // than the one above); those leave the IID valid.
          if (result.ok) {
            expect(normalizeDigits(char)).toEqual({ digits: '', invalidChars: [] });
            return;
          }
          expect(result.error.kind).toBe('invalid-input');
          expect(mentions(result.error.message, char)).toBe(true);
        }),
        runs(300),
      );
    },
    TEST_TIMEOUT,
  );

  it(
    'says how many digits it found when the count is wrong',
    () => {
      fc.assert(
        fc.property(
          fc
            .stringMatching(/^[0-9]{1,120}$/)
            .filter((digits) => digits.length !== 54 && digits.length !== 63),
          (digits) => {
            const result = parseIid(digits);
            expect(result.ok).toBe(false);
            if (!result.ok) {
              const n = digits.length;
              expect(
                result.error.message.startsWith(`${n} digit${n === 1 ? ' was' : 's were'} found;`),
              ).toBe(true);
            }
          },
        ),
        runs(200),
      );
    },
    TEST_TIMEOUT,
  );

  it('copes with a megabyte of text, digits or not, and shows at most five stray characters', () => {
    const digits = '7'.repeat(1024 * 1024);
    expect(parseIid(digits)).toMatchObject({ ok: false, error: { kind: 'invalid-input' } });
    const junk = Array.from({ length: 1024 * 1024 }, (_, i) =>
      String.fromCharCode(0x4e00 + (i % 20_000)),
    ).join('');
    const result = parseIid(junk);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.message).toBe(
        'The Installation ID contains characters that are not digits: "一", "丁", "丂", "七", "丄", ….',
      );
    }
  });
});
