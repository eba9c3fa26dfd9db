/**
 * Digit handling shared by Installation IDs, Confirmation IDs and Extended PIDs.
 *
 * Users paste IDs from e-mails, chat tools and screenshots run through OCR, so the input may
 * hold full-width or other scripts' digits and many kinds of spaces and dashes.
 */

const DECIMAL_DIGIT = /^\p{Nd}$/u;

/**
 * Characters that separate groups and carry no meaning: white space of every kind, dashes,
 * the minus sign, and invisible format characters that sneak in when copying.
 */
const SEPARATOR = /^[\s\p{Pd}\u2212\u00ad\u200b-\u200d\u2060\ufeff]$/u;

/**
 * Numeric value of a Unicode decimal digit (general category Nd), or -1.
 *
 * Unicode guarantees that Nd characters come in contiguous runs of ten, zero to nine, and some
 * runs sit back to back (the mathematical digits). Counting the Nd code points just before this
 * one, modulo ten, therefore gives its value in every script without a table.
 */
export function digitValue(char: string): number {
  if (char >= '0' && char <= '9') return char.charCodeAt(0) - 48;
  if (!DECIMAL_DIGIT.test(char)) return -1;
  let codePoint = char.codePointAt(0)!;
  let offset = 0;
  while (DECIMAL_DIGIT.test(String.fromCodePoint(codePoint - 1))) {
    codePoint -= 1;
    offset += 1;
  }
  return offset % 10;
}

/** True for characters that may stand between digit groups. */
export function isSeparator(char: string): boolean {
  return SEPARATOR.test(char);
}

export interface NormalizedDigits {
  /** The ASCII digits found, in order. */
  digits: string;
  /** Characters that are neither digits nor separators, each listed once, in order of first appearance. */
  invalidChars: string[];
}

/** Reduces pasted text to ASCII digits, dropping separators and collecting anything else. */
export function normalizeDigits(input: string): NormalizedDigits {
  let digits = '';
  const invalid = new Set<string>();
  for (const char of input) {
    const value = digitValue(char);
    if (value >= 0) digits += String(value);
    else if (!isSeparator(char)) invalid.add(char);
  }
  return { digits, invalidChars: [...invalid] };
}

/**
 * The check digit a group of digits must end in: over the group's other digits, odd positions
 * weigh 1 and even positions 2, and the sum is taken modulo 7.
 */
export function checkDigitFor(payload: string): number {
  let sum = 0;
  for (let i = 0; i < payload.length; i += 1) {
    sum += (payload.charCodeAt(i) - 48) * (i % 2 === 0 ? 1 : 2);
  }
  return sum % 7;
}

/** True when a complete group of ASCII digits ends in its correct check digit. */
export function groupCheckDigitOk(group: string): boolean {
  if (group.length < 2) return false;
  return checkDigitFor(group.slice(0, -1)) === group.charCodeAt(group.length - 1) - 48;
}

/**
 * True when `text` is ASCII digits only and every consecutive group of `size` of them ends in its
 * check digit (the length a multiple of `size`). Allocates nothing, for checks run by the thousand.
 */
export function groupsOfDigitsOk(text: string, size: number): boolean {
  if (size < 2 || text.length === 0 || text.length % size !== 0) return false;
  for (let start = 0; start < text.length; start += size) {
    let sum = 0;
    for (let i = 0; i < size - 1; i += 1) {
      const digit = text.charCodeAt(start + i) - 48;
      if (digit < 0 || digit > 9) return false;
      sum += digit * (i % 2 === 0 ? 1 : 2);
    }
    const check = text.charCodeAt(start + size - 1) - 48;
    if (check < 0 || check > 9 || sum % 7 !== check) return false;
  }
  return true;
}

/** Splits a string into consecutive pieces of `size` characters (the last may be shorter). */
export function chunk(text: string, size: number): string[] {
  const pieces: string[] = [];
  for (let i = 0; i < text.length; i += size) pieces.push(text.slice(i, i + size));
  return pieces;
}

/** Shows a character so a person can recognise it, even when it is invisible or a control. */
export function describeChar(char: string): string {
  const codePoint = char.codePointAt(0)!;
  const hex = `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
  return /^[\p{L}\p{N}\p{P}\p{S}]$/u.test(char) ? `"${char}"` : hex;
}
