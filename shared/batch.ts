import type { CidOutcome } from './activation';

/** Where one IID of a batch stands. */
export type BatchRowStatus = 'queued' | 'running' | 'done' | 'cancelled';

/** Told to the window as each row of a batch moves on. */
export interface BatchProgress {
  batchId: string;
  /** The row's position in the batch, from 0. */
  index: number;
  status: BatchRowStatus;
  /** Set once the row is done. */
  outcome?: CidOutcome;
  /** Rows finished (done or cancelled) so far, and in all. */
  finished: number;
  total: number;
}

export interface BatchSummary {
  total: number;
  /** CIDs the service issued in this batch. */
  obtained: number;
  /** CIDs answered from the history, no activation used. */
  fromHistory: number;
  failed: number;
  /** Rows never sent because the batch was cancelled. */
  cancelled: number;
}

/** Concurrency of batch requests: small, so the service is not flooded. */
export const BATCH_CONCURRENCY = { default: 2, max: 8 } as const;
/** The most IIDs one batch takes. */
export const BATCH_MAX_IIDS = 5000;
