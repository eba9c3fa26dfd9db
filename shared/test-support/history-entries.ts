/**
 * History entries for tests, one factory per kind: a plausible record of each, any field of which
 * `extra` replaces. The IIDs and the CID are the product description's, check digits and all.
 */
import type { CidRecord, ErrorRecord, RemainingRecord } from '../history';
import { DEFAULT_PID } from '../pid';
import { SAMPLE_BLOCKED, SAMPLE_SUCCESS } from '../protocol-samples';

/** A MAK's Extended PID, as `slmgr.vbs /dlv` shows it: not the default one. */
export const OWN_PID = '55041-00172-033-600075-03-1033-7601.0000-1412012';

/** A CID entry of the history. */
export function cidEntry(extra: Partial<CidRecord> = {}): CidRecord {
  return {
    v: 1,
    id: 'c1d2e3f4-0000-4000-8000-000000000001',
    at: '2025-03-14T09:26:53.000Z',
    type: 'cid',
    iid: SAMPLE_SUCCESS.iid,
    pid: DEFAULT_PID,
    cid: SAMPLE_SUCCESS.cid,
    source: 'service',
    ...extra,
  };
}

/** An error entry of the history: the service refused the 54-digit sample with 0x67. */
export function errorEntry(extra: Partial<ErrorRecord> = {}): ErrorRecord {
  return {
    v: 1,
    id: 'e1d2e3f4-0000-4000-8000-000000000002',
    at: '2025-03-13T16:05:00.000Z',
    type: 'error',
    iid: SAMPLE_BLOCKED.iid,
    pid: DEFAULT_PID,
    error: {
      kind: 'service',
      code: '0x67',
      message: 'The product key has been blocked by Microsoft.',
    },
    ...extra,
  };
}

/** A remaining-activations entry of the history. */
export function remainingEntry(extra: Partial<RemainingRecord> = {}): RemainingRecord {
  return {
    v: 1,
    id: 'a1d2e3f4-0000-4000-8000-000000000003',
    at: '2025-03-12T08:00:00.000Z',
    type: 'remaining',
    pid: OWN_PID,
    remaining: 5,
    ...extra,
  };
}
