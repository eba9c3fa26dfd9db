import { chunk, groupCheckDigitOk, normalizeDigits, describeChar } from './digits';
import { fail, makeError, ok, type Result } from './errors';

/** An Installation ID has 9 groups: of 6 digits (54 in all) or of 7 digits (63 in all). */
export const IID_GROUPS = 9;
export type IidForm = 54 | 63;
export const IID_FORMS: readonly IidForm[] = [54, 63];

/** A validated Installation ID: ASCII digits only, a known length, every check digit right. */
export type IidDigits = string & { readonly __brand: 'IidDigits' };

export interface Iid {
  digits: IidDigits;
  form: IidForm;
  /** The nine groups as Windows shows them. */
  groups: string[];
}

export interface IidGroupState {
  digits: string;
  /** The group holds as many digits as the form needs. */
  complete: boolean;
  /** Whether a complete group passes its check digit; null while incomplete. */
  checkOk: boolean | null;
}

export interface IidAnalysis {
  digits: string;
  invalidChars: string[];
  /** The form the digits add up to, or null when the count fits neither. */
  form: IidForm | null;
  groupSize: 6 | 7;
  groups: IidGroupState[];
}

/** The group size to assume for a digit count: 7 once there are more digits than a 54-digit IID holds. */
export function groupSizeFor(digitCount: number): 6 | 7 {
  return digitCount > 54 ? 7 : 6;
}

/**
 * Describes pasted or typed text as an Installation ID, group by group, without judging it:
 * the window uses it to show each group's state while the user types.
 */
export function analyzeIid(input: string, groupSize?: 6 | 7): IidAnalysis {
  const { digits, invalidChars } = normalizeDigits(input);
  const size = groupSize ?? groupSizeFor(digits.length);
  const groups = chunk(digits.slice(0, size * IID_GROUPS), size).map((group) => {
    const complete = group.length === size;
    return { digits: group, complete, checkOk: complete ? groupCheckDigitOk(group) : null };
  });
  const form = digits.length === 54 || digits.length === 63 ? digits.length : null;
  return { digits, invalidChars, form, groupSize: size, groups };
}

/** Validates an Installation ID as users paste it, saying exactly what is wrong when it is not one. */
export function parseIid(input: string): Result<Iid> {
  const analysis = analyzeIid(input);
  const { digits, invalidChars, form } = analysis;

  if (invalidChars.length > 0) {
    const shown = invalidChars.slice(0, 5).map(describeChar).join(', ');
    return fail(
      makeError(
        'invalid-input',
        `The Installation ID contains ${invalidChars.length === 1 ? 'a character that is not a digit' : 'characters that are not digits'}: ${shown}${invalidChars.length > 5 ? ', …' : ''}.`,
        'An Installation ID holds only digits, in 9 groups. Check for a letter O typed for a zero or an l for a one, and copy the ID again from the machine you are activating.',
      ),
    );
  }
  if (digits.length === 0) {
    return fail(
      makeError(
        'invalid-input',
        'No Installation ID was entered.',
        'Paste the Installation ID shown on the machine you are activating (slmgr.vbs /dti for Windows, ospp.vbs /dinstid for Office).',
      ),
    );
  }
  if (form === null) {
    return fail(
      makeError('invalid-input', lengthMessage(digits.length), lengthAdvice(digits.length)),
    );
  }
  const badGroups = analysis.groups.flatMap((group, i) => (group.checkOk ? [] : [i + 1]));
  if (badGroups.length > 0) {
    return fail(
      makeError(
        'invalid-input',
        badGroups.length === 1
          ? `Group ${badGroups[0]} of the Installation ID does not pass its check digit.`
          : `Groups ${listNumbers(badGroups)} of the Installation ID do not pass their check digits.`,
        `A digit in ${badGroups.length === 1 ? 'that group' : 'those groups'} is mistyped. Compare ${badGroups.length === 1 ? 'it' : 'them'} with the Installation ID shown on the machine you are activating.`,
        { badGroups },
      ),
    );
  }
  return ok({
    digits: digits as IidDigits,
    form,
    groups: analysis.groups.map((group) => group.digits),
  });
}

function lengthMessage(count: number): string {
  const found = `${count} digit${count === 1 ? ' was' : 's were'} found`;
  return `${found}; an Installation ID has 63 digits (9 groups of 7) or 54 digits (9 groups of 6).`;
}

function lengthAdvice(count: number): string {
  const nearest = count > 58 ? 63 : 54;
  const difference = nearest - count;
  if (difference > 0 && difference < 7) {
    return `${difference} digit${difference === 1 ? ' is' : 's are'} missing for a ${nearest}-digit ID. Check each group against the machine you are activating.`;
  }
  if (difference < 0 && difference > -7) {
    return `There ${difference === -1 ? 'is 1 digit' : `are ${-difference} digits`} too many for a ${nearest}-digit ID. Check that nothing else was copied along with it.`;
  }
  return 'Copy the whole Installation ID again from the machine you are activating: all 9 groups.';
}

/** "3", "3 and 7", "2, 3 and 7". */
export function listNumbers(numbers: readonly number[]): string {
  if (numbers.length <= 1) return numbers.join('');
  return `${numbers.slice(0, -1).join(', ')} and ${numbers[numbers.length - 1]}`;
}
