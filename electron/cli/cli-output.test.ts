import { describe, expect, it } from 'vitest';
import { SAMPLE_BLOCKED, SAMPLE_SUCCESS } from '../../shared/protocol-samples';
import {
  cidEntry,
  errorEntry,
  OWN_PID,
  remainingEntry,
} from '../../shared/test-support/history-entries';
import { formatHistoryHuman, formatRemainingHuman, remainingJson } from './cli-output';
import type { HistoryEntry } from '../history/history-store';

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

describe('a count the service did not give', () => {
  it('is said in words, not printed as a negative number', () => {
    expect(formatRemainingHuman({ ok: true, pid: OWN_PID, remaining: -1 })).toBe(
      `The service did not give a count for the key behind Extended PID ${OWN_PID}.\n`,
    );
    expect(
      formatHistoryHuman({
        total: 2,
        entries: [remainingEntry({ at: AT, remaining: -1 }), DEMO[3]!],
      }),
    ).toBe(
      [
        `2025-03-14 09:26 UTC  remaining  ${OWN_PID}  no count given`,
        `2025-03-14 09:26 UTC  remaining  ${OWN_PID}  5 left  (demo)`,
        '',
      ].join('\n'),
    );
  });

  it('keeps counting the counts it did give', () => {
    const says = (remaining: number) => formatRemainingHuman({ ok: true, pid: OWN_PID, remaining });
    expect(says(0)).toBe(`No activations are left on the key behind Extended PID ${OWN_PID}.\n`);
    expect(says(1)).toBe(`1 activation is left on the key behind Extended PID ${OWN_PID}.\n`);
    expect(says(7)).toBe(`7 activations are left on the key behind Extended PID ${OWN_PID}.\n`);
  });

  it('stays as the service sent it in JSON', () => {
    expect(JSON.parse(remainingJson({ ok: true, pid: OWN_PID, remaining: -1 }))).toEqual({
      ok: true,
      pid: OWN_PID,
      remaining: -1,
    });
  });
});
