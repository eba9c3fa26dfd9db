import { describe, expect, it } from 'vitest';
import { SAMPLE_BLOCKED, SAMPLE_SUCCESS } from '../shared/protocol-samples';
import {
  cidEntry,
  errorEntry,
  OWN_PID,
  remainingEntry,
} from '../shared/test-fixtures/history-entries';
import { formatHistoryHuman } from './cli-output';
import type { HistoryEntry } from './history-store';

const AT = '2025-03-14T09:26:53.589Z';
const DASHED_CID = '062722-477945-868792-870895-165923-782876-591463-700690';

/** One entry of each kind the history lists, from the service. */
const ENTRIES: HistoryEntry[] = [
  cidEntry({ at: AT }),
  errorEntry({
    at: AT,
    error: { kind: 'service', code: '0x67', message: 'The product key has been blocked.' },
  }),
  errorEntry({
    at: AT,
    iid: undefined,
    pid: OWN_PID,
    error: { kind: 'network', code: null, message: 'The connection was reset.' },
  }),
  remainingEntry({ at: AT }),
];

/** The same entries as demo mode records them. */
const DEMO: HistoryEntry[] = ENTRIES.map((entry) => ({ ...entry, source: 'simulator' }));

describe('the history as text', () => {
  it('lists one line per entry', () => {
    expect(formatHistoryHuman({ total: 4, entries: ENTRIES })).toBe(
      [
        `2025-03-14 09:26 UTC  CID        ${SAMPLE_SUCCESS.iid}  ${DASHED_CID}`,
        `2025-03-14 09:26 UTC  error      ${SAMPLE_BLOCKED.iid}  0x67: The product key has been blocked.`,
        `2025-03-14 09:26 UTC  error      ${OWN_PID}  network: The connection was reset.`,
        `2025-03-14 09:26 UTC  remaining  ${OWN_PID}  5 left`,
        '',
      ].join('\n'),
    );
  });

  it('marks every entry demo mode made up, errors and counts too', () => {
    expect(formatHistoryHuman({ total: 4, entries: DEMO })).toBe(
      [
        `2025-03-14 09:26 UTC  CID        ${SAMPLE_SUCCESS.iid}  ${DASHED_CID}  (demo)`,
        `2025-03-14 09:26 UTC  error      ${SAMPLE_BLOCKED.iid}  0x67: The product key has been blocked.  (demo)`,
        `2025-03-14 09:26 UTC  error      ${OWN_PID}  network: The connection was reset.  (demo)`,
        `2025-03-14 09:26 UTC  remaining  ${OWN_PID}  5 left  (demo)`,
        '',
      ].join('\n'),
    );
  });
});
