import { describe, expect, it } from 'vitest';
import { DEFAULT_PID } from '../shared/pid';
import { SAMPLE_BLOCKED, SAMPLE_SUCCESS } from '../shared/protocol-samples';
import { formatHistoryHuman } from './cli-output';
import type { HistoryEntry } from './history-store';

const AT = '2025-03-14T09:26:53.589Z';
const OTHER_PID = '55041-00172-033-600075-03-1033-7601.0000-1412012';
const DASHED_CID = '062722-477945-868792-870895-165923-782876-591463-700690';

/** One entry of each kind the history lists, from the service. */
const ENTRIES: HistoryEntry[] = [
  {
    v: 1,
    id: '00000000-0000-4000-8000-000000000001',
    at: AT,
    type: 'cid',
    iid: SAMPLE_SUCCESS.iid,
    pid: DEFAULT_PID,
    cid: SAMPLE_SUCCESS.cid,
    source: 'service',
  },
  {
    v: 1,
    id: '00000000-0000-4000-8000-000000000002',
    at: AT,
    type: 'error',
    iid: SAMPLE_BLOCKED.iid,
    pid: DEFAULT_PID,
    error: { kind: 'service', code: '0x67', message: 'The product key has been blocked.' },
  },
  {
    v: 1,
    id: '00000000-0000-4000-8000-000000000003',
    at: AT,
    type: 'error',
    pid: OTHER_PID,
    error: { kind: 'network', code: null, message: 'The connection was reset.' },
  },
  {
    v: 1,
    id: '00000000-0000-4000-8000-000000000004',
    at: AT,
    type: 'remaining',
    pid: OTHER_PID,
    remaining: 5,
  },
];

/** The same entries as demo mode records them. */
const DEMO: HistoryEntry[] = ENTRIES.map((entry) => ({ ...entry, source: 'simulator' }));

describe('the history as text', () => {
  it('lists one line per entry', () => {
    expect(formatHistoryHuman({ total: 4, entries: ENTRIES })).toBe(
      [
        `2025-03-14 09:26 UTC  CID        ${SAMPLE_SUCCESS.iid}  ${DASHED_CID}`,
        `2025-03-14 09:26 UTC  error      ${SAMPLE_BLOCKED.iid}  0x67: The product key has been blocked.`,
        `2025-03-14 09:26 UTC  error      ${OTHER_PID}  network: The connection was reset.`,
        `2025-03-14 09:26 UTC  remaining  ${OTHER_PID}  5 left`,
        '',
      ].join('\n'),
    );
  });

  it('marks every entry demo mode made up, errors and counts too', () => {
    expect(formatHistoryHuman({ total: 4, entries: DEMO })).toBe(
      [
        `2025-03-14 09:26 UTC  CID        ${SAMPLE_SUCCESS.iid}  ${DASHED_CID}  (demo)`,
        `2025-03-14 09:26 UTC  error      ${SAMPLE_BLOCKED.iid}  0x67: The product key has been blocked.  (demo)`,
        `2025-03-14 09:26 UTC  error      ${OTHER_PID}  network: The connection was reset.  (demo)`,
        `2025-03-14 09:26 UTC  remaining  ${OTHER_PID}  5 left  (demo)`,
        '',
      ].join('\n'),
    );
  });
});
