import { describe, expect, it } from 'vitest';
import {
  checkDigitFor,
  describeChar,
  digitValue,
  groupCheckDigitOk,
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
});

describe('describeChar', () => {
  it('quotes visible characters and names invisible ones by code point', () => {
    expect(describeChar('O')).toBe('"O"');
    expect(describeChar('\u0007')).toBe('U+0007');
  });
});
