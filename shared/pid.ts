import { normalizeDigits } from './digits';
import { fail, makeError, ok, type Result } from './errors';

export type ExtendedPid = string & { readonly __brand: 'ExtendedPid' };

/** The Extended ("Advanced") PID sent when the user gives none of their own. */
export const DEFAULT_PID = '00000-00138-207-109016-00-1033-26100.0000-0922026' as ExtendedPid;

/**
 * An Extended PID as `slmgr.vbs /dlv` prints it, for example
 * `55041-00172-033-600075-03-1033-7601.0000-1412012`: the locale and build may have 4 or 5 digits.
 */
const EXTENDED_PID = /^\d{5}-\d{5}-\d{3}-\d{6}-\d{2}-\d{4,5}-\d{4,5}\.\d{4}-\d{7}$/;

/** Validates a user's own Extended PID; digits in any script are accepted and surrounding space ignored. */
export function parsePid(input: string): Result<ExtendedPid> {
  // Keep the PID's own dashes and dot: only the digits are normalised.
  let text = '';
  for (const char of input.trim()) {
    text += char === '-' || char === '.' ? char : normalizeDigits(char).digits || char;
  }
  if (text.length === 0) {
    return fail(
      makeError(
        'invalid-input',
        'No Extended PID was entered.',
        'Leave the field empty to use the default, or paste the "Extended PID" line that slmgr.vbs /dlv shows.',
      ),
    );
  }
  if (!EXTENDED_PID.test(text)) {
    return fail(
      makeError(
        'invalid-input',
        `"${text.length > 60 ? `${text.slice(0, 60)}…` : text}" is not an Extended PID.`,
        'An Extended PID looks like 00000-00138-207-109016-00-1033-26100.0000-0922026. Copy the "Extended PID" line that slmgr.vbs /dlv shows on the machine you are activating.',
      ),
    );
  }
  return ok(text as ExtendedPid);
}
