import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { groupPasses } from './test-support/fuzz';
import {
  checkDigitFor,
  chunk,
  describeChar,
  digitValue,
  groupCheckDigitOk,
  groupsOfDigitsOk,
  normalizeDigits,
} from './digits';

describe('digitValue', () => {
  it('gives the value of decimal digits in every script, ASCII first', () => {
    const zeros = [0x30, 0x660, 0x966, 0xff10, 0x1d7ce, 0x1d7d8, 0x1d7f6];
    for (const zero of zeros) {
      for (let d = 0; d <= 9; d += 1) expect(digitValue(String.fromCodePoint(zero + d))).toBe(d);
    }
  });

  it('refuses letters, superscripts and circled numbers', () => {
    for (const char of ['a', 'O', '²', '①', '½', ' ']) expect(digitValue(char)).toBe(-1);
  });
});

describe('normalizeDigits', () => {
  it('keeps digits, drops separators, collects the rest once each', () => {
    expect(normalizeDigits('12-3 4\u20135\u2212\t6x7x8y')).toEqual({
      digits: '12345678',
      invalidChars: ['x', 'y'],
    });
  });
});

describe('check digits', () => {
  it('computes the documented example', () => {
    expect(checkDigitFor('722119')).toBe(6);
    expect(groupCheckDigitOk('7221196')).toBe(true);
    expect(groupCheckDigitOk('7221195')).toBe(false);
  });

  it('checks every group of a long run of digits at once', () => {
    expect(groupsOfDigitsOk('72211967221196', 7)).toBe(true);
    expect(groupsOfDigitsOk('72211967221195', 7)).toBe(false);
    expect(groupsOfDigitsOk('7221196722119', 7)).toBe(false);
    expect(groupsOfDigitsOk('722119\uff16', 7)).toBe(false);
    expect(groupsOfDigitsOk('72211/6', 7)).toBe(false);
    expect(groupsOfDigitsOk('', 7)).toBe(false);
  });

  it('agrees with checking group by group, for any text', () => {
    const text = fc.oneof(
      fc.stringMatching(/^[0-9]{0,70}$/),
      fc.string({ maxLength: 70, unit: fc.constantFrom('0', '1', '6', '9', '/', ':', 'a', '٣') }),
    );
    fc.assert(
      fc.property(text, fc.integer({ min: 2, max: 8 }), (digits, size) => {
        const expected =
          digits.length > 0 &&
          digits.length % size === 0 &&
          /^[0-9]+$/.test(digits) &&
          chunk(digits, size).every(groupPasses);
        expect(groupsOfDigitsOk(digits, size)).toBe(expected);
      }),
      { seed: 20261127, numRuns: 2000 },
    );
  });
});

describe('describeChar', () => {
  it('quotes visible characters and names invisible ones by code point', () => {
    expect(describeChar('O')).toBe('"O"');
    expect(describeChar('\u0007')).toBe('U+0007');
  });
});
