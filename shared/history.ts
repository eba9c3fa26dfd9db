/**
 * The records of the history file (docs/data-folder.md): a published format, shared by the
 * history store that writes them and the window that lists them. Extended, never broken.
 */
import type { ErrorKind } from './errors';

/** Where an answer came from: Microsoft's service, or the built-in simulator of demo mode. */
export type CidSource = 'service' | 'simulator';

export interface RecordHeader {
  v: 1;
  /** A random UUID, lower case. */
  id: string;
  /** When it happened: ISO 8601, UTC, such as 2025-03-14T09:26:53.589Z. */
  at: string;
}

export interface CidRecord extends RecordHeader {
  type: 'cid';
  /** The Installation ID's 54 or 63 digits. */
  iid: string;
  /** The Extended PID the request was sent with. */
  pid: string;
  /** The Confirmation ID's 48 digits. */
  cid: string;
  source: CidSource;
}

export interface ErrorRecord extends RecordHeader {
  type: 'error';
  /** Absent when the failed request was for the remaining-activations count. */
  iid?: string;
  pid: string;
  error: { kind: ErrorKind; code: string | null; message: string };
  /** Set when the request may have reached the service, so an activation may have been used. */
  mayHaveReachedService?: boolean;
  /**
   * Who answered, so that a demo-mode failure is not taken for a real one. Absent, as in every
   * file written before it existed, means the service; this version writes it only in demo mode,
   * so records of the real service stay exactly as older versions write them.
   */
  source?: CidSource;
}

export interface RemainingRecord extends RecordHeader {
  type: 'remaining';
  pid: string;
  remaining: number;
  /** As for errors: `'simulator'` for a made-up count of demo mode; absent means the service. */
  source?: CidSource;
}

/** A deletion: the entry whose id is `target` no longer counts. */
export interface DeleteRecord extends RecordHeader {
  type: 'delete';
  target: string;
}

/** What the history lists. */
export type HistoryEntry = CidRecord | ErrorRecord | RemainingRecord;
export type HistoryRecord = HistoryEntry | DeleteRecord;

type WithoutHeader<T> = T extends unknown ? Omit<T, 'v' | 'id' | 'at'> : never;
/** What a caller appends; the store adds the version, the id and the time. */
export type NewHistoryEntry = WithoutHeader<HistoryEntry>;
