import { describe, expect, it } from 'vitest';
import {
  ERROR_CATALOG,
  describeErrorCode,
  normalizeErrorCode,
  serviceError,
} from './error-catalog';

describe('error catalogue', () => {
  it('covers every code in the protocol table with the documented phone-activation verdict', () => {
    const expected: Record<string, 'no' | 'maybe'> = {
      '0x67': 'no',
      '0xD5': 'no',
      '0x68': 'no',
      '0x71': 'maybe',
      '0x7F': 'maybe',
      '0xD6': 'maybe',
      '0x86': 'no',
      '0x90': 'no',
      '0x8D': 'maybe',
      '0x8F': 'maybe',
      '0xC004C017': 'maybe',
      '0x80131600': 'maybe',
    };
    for (const [code, phone] of Object.entries(expected)) {
      const info = describeErrorCode(code);
      expect(info.known, code).toBe(true);
      expect(info.phoneActivation, code).toBe(phone);
      expect(info.title.length, code).toBeGreaterThan(5);
      expect(info.advice.length, code).toBeGreaterThan(20);
    }
    expect(new Set(ERROR_CATALOG.map((info) => info.code)).size).toBe(ERROR_CATALOG.length);
  });

  it('normalises the spelling of codes', () => {
    expect(normalizeErrorCode(' 0x7f ')).toBe('0x7F');
    expect(normalizeErrorCode('0X00000067')).toBe('0x67');
    expect(normalizeErrorCode('0xc004c017')).toBe('0xC004C017');
    expect(normalizeErrorCode('oops')).toBe('oops');
  });

  it('gives an unknown code a general entry that points to phone activation', () => {
    const info = describeErrorCode('0x1234');
    expect(info).toMatchObject({ known: false, code: '0x1234', phoneActivation: 'maybe' });
    expect(info.advice).toContain('slui 4');
  });

  it('builds a service error value', () => {
    expect(serviceError('0x90')).toMatchObject({ kind: 'service', code: '0x90' });
  });
});
