import { describe, expect, it } from 'vitest';
import { formatCid, parseCid } from './cid';
import { SAMPLE_SUCCESS } from './protocol-samples';

describe('parseCid', () => {
  it('splits the sample CID into groups A to H', () => {
    const result = parseCid(SAMPLE_SUCCESS.cid);
    expect(result).toEqual({
      ok: true,
      value: {
        digits: SAMPLE_SUCCESS.cid,
        groups: ['062722', '477945', '868792', '870895', '165923', '782876', '591463', '700690'],
      },
    });
  });

  it('names the groups that fail their check digit by letter', () => {
    const broken = `${SAMPLE_SUCCESS.cid.slice(0, 12)}9${SAMPLE_SUCCESS.cid.slice(13, 42)}1${SAMPLE_SUCCESS.cid.slice(43)}`;
    const result = parseCid(broken);
    expect(!result.ok && result.error.message).toBe(
      'Confirmation ID groups C, H fail the check digit.',
    );
    expect(!result.ok && result.error.badGroups).toEqual([3, 8]);
  });

  it('refuses a wrong length', () => {
    expect(parseCid(SAMPLE_SUCCESS.cid.slice(1))).toMatchObject({
      ok: false,
      error: { message: '47 digits were found; a Confirmation ID has 48 (8 groups of 6).' },
    });
  });

  it('formats groups with a separator', () => {
    const result = parseCid(SAMPLE_SUCCESS.cid);
    expect(result.ok && formatCid(result.value)).toBe(
      '062722-477945-868792-870895-165923-782876-591463-700690',
    );
    expect(result.ok && formatCid(result.value, ' ')).toBe(
      '062722 477945 868792 870895 165923 782876 591463 700690',
    );
  });
});
