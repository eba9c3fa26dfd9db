/** The broad families of failure. The UI and the CLI render every error from this value. */
export type ErrorKind = 'invalid-input' | 'service' | 'network' | 'unexpected-response' | 'storage';

/** Finer cause of a network failure, so the message can name it. */
export type NetworkCause =
  | 'dns'
  | 'refused'
  | 'reset'
  | 'tls'
  | 'proxy'
  | 'proxy-auth'
  | 'timeout'
  | 'cancelled'
  | 'offline'
  | 'other';

export interface CidDeskError {
  kind: ErrorKind;
  /** What happened, in one or two sentences a person can read. */
  message: string;
  /** What the person can do next. */
  advice: string;
  /** The service's error code, such as `0x67`; null when the service did not give one. */
  code: string | null;
  /** For `network` errors: the cause. */
  cause?: NetworkCause;
  /** Whether the request may have reached the service, so an activation may have been used. */
  mayHaveReachedService?: boolean;
  /** For invalid IDs: the 1-based numbers of the groups that fail their check digit. */
  badGroups?: number[];
  /** Technical detail for support: a raw response excerpt or a low-level error. Never secrets. */
  detail?: string;
}

export type Result<T, E = CidDeskError> = { ok: true; value: T } | { ok: false; error: E };

/** Wraps a value as a successful result. */
export function ok<T>(value: T): { ok: true; value: T } {
  return { ok: true, value };
}

/** Wraps an error as a failed result. */
export function fail<E = CidDeskError>(error: E): { ok: false; error: E } {
  return { ok: false, error };
}

/** Builds an error value; `code` defaults to null. */
export function makeError(
  kind: ErrorKind,
  message: string,
  advice: string,
  extra: Partial<Omit<CidDeskError, 'kind' | 'message' | 'advice'>> = {},
): CidDeskError {
  return { kind, message, advice, code: null, ...extra };
}

/**
 * Text that came from the network, made safe to show in a window, a terminal or a history file:
 * line breaks and tabs become spaces, and other control and format characters (terminal escape
 * sequences, bidirectional overrides) become U+FFFD.
 */
export function printable(text: string): string {
  return text.replace(/[\t\n\r]/g, ' ').replace(/[\p{Cc}\p{Cf}]/gu, '\uFFFD');
}

/** Cuts text for display in an error's detail, so a 50 MB body never reaches the UI or a log. */
export function excerpt(text: string, max = 2000): string {
  return text.length <= max
    ? text
    : `${text.slice(0, max)}… (${text.length - max} more characters)`;
}

/**
 * Whether an activation may have been spent: the request may have reached the service and no
 * error code came back. An answer with an error code means no Confirmation ID was issued.
 */
export function mayHaveUsedActivation(error: CidDeskError): boolean {
  return error.mayHaveReachedService === true && error.kind !== 'service';
}
