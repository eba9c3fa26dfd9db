import { chunk, groupCheckDigitOk, normalizeDigits } from './digits';
import { fail, makeError, ok, type Result } from './errors';

/** A Confirmation ID has 48 digits: 8 groups of 6, which Windows asks for in boxes A to H. */
export const CID_LENGTH = 48;
export const CID_GROUP_SIZE = 6;
export const CID_GROUP_LABELS = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H'] as const;

export type CidDigits = string & { readonly __brand: 'CidDigits' };

export interface Cid {
  digits: CidDigits;
  /** The eight groups, A to H. */
  groups: string[];
}

/**
 * Validates a Confirmation ID, from the service or typed by a user: 48 digits whose 8 groups each
 * end in their check digit. The service's answer is checked with this before anyone sees it.
 */
export function parseCid(input: string): Result<Cid> {
  const { digits, invalidChars } = normalizeDigits(input);
  if (invalidChars.length > 0 || digits.length !== CID_LENGTH) {
    return fail(
      makeError(
        'invalid-input',
        invalidChars.length > 0
          ? 'The Confirmation ID contains characters that are not digits.'
          : `${digits.length} digits were found; a Confirmation ID has ${CID_LENGTH} (8 groups of 6).`,
        'A Confirmation ID holds 48 digits in 8 groups, A to H.',
      ),
    );
  }
  const groups = chunk(digits, CID_GROUP_SIZE);
  const badGroups = groups.flatMap((group, i) => (groupCheckDigitOk(group) ? [] : [i + 1]));
  if (badGroups.length > 0) {
    const labels = badGroups.map((n) => CID_GROUP_LABELS[n - 1]).join(', ');
    return fail(
      makeError(
        'invalid-input',
        `Confirmation ID group${badGroups.length === 1 ? '' : 's'} ${labels} fail${badGroups.length === 1 ? 's' : ''} the check digit.`,
        'The Confirmation ID is damaged. Do not enter it on the machine you are activating.',
        { badGroups },
      ),
    );
  }
  return ok({ digits: digits as CidDigits, groups });
}

/** Formats a CID's groups for people: `123456-234567-...` with the chosen separator. */
export function formatCid(cid: Pick<Cid, 'groups'>, separator = '-'): string {
  return cid.groups.join(separator);
}
