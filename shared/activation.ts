import type { CidDeskError } from './errors';

/**
 * The outcome of asking for a Confirmation ID, as the window and `cid-desk get --json` show it.
 * Fields are only ever added to this shape, never renamed or removed: scripts parse it.
 */
export type CidOutcome = CidSuccess | Failure;

export interface CidSuccess {
  ok: true;
  /** The Installation ID's 54 or 63 digits. */
  iid: string;
  /** The Extended PID the request was sent with. */
  pid: string;
  /** The 48 digits of the Confirmation ID. */
  cid: string;
  /** The eight groups A to H, six digits each. */
  groups: string[];
  /** True when the CID came from the local history and no activation was used. */
  fromHistory: boolean;
  /** When the service issued this CID (ISO 8601). */
  obtainedAt: string;
  /** Set when something needs the user's attention although the CID is good (e.g. it could not be saved). */
  warning?: string;
  /**
   * Who issued it: Microsoft's service, or CID Desk's simulator (not a real CID), whether in demo
   * mode or reached through an endpoint set by hand. Absent only where no history is kept and the
   * simulator did not answer.
   */
  source?: 'service' | 'simulator';
}

export interface Failure {
  ok: false;
  error: CidDeskError;
}

export type RemainingOutcome = RemainingSuccess | Failure;

export interface RemainingSuccess {
  ok: true;
  pid: string;
  /**
   * Activations left on the key behind the Extended PID, as the service counts them: 0 means
   * none; a negative number (the service sends -1) means it keeps no count for this key.
   */
  remaining: number;
}
