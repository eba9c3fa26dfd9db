import { describe, expect, it } from 'vitest';
import type { CidOutcome } from '../shared/activation';
import type { BatchProgress } from '../shared/batch';
import { serviceError } from '../shared/error-catalog';
import {
  applyProgress,
  countRows,
  resultsTsv,
  rowStatus,
  startRun,
  summaryLine,
  type BatchRowView,
} from './batch-rows';
import { failure, IID54, IID63, success } from './test-support';

const ID = 'batch-1';

function event(index: number, status: BatchProgress['status'], extra: Partial<BatchProgress> = {}) {
  return { batchId: ID, index, status, finished: 0, total: 2, ...extra } as BatchProgress;
}

describe('applyProgress', () => {
  it('moves rows through running to done and counts the finished ones', () => {
    const run = startRun(ID, [IID63, IID54]);
    expect(run.rows).toEqual([
      { iid: IID63, status: 'queued' },
      { iid: IID54, status: 'queued' },
    ]);
    const outcome = success(IID63);
    const next = applyProgress(run, [
      event(0, 'running'),
      event(0, 'done', { outcome, finished: 1 }),
      event(1, 'running', { finished: 1 }),
    ]);
    expect(next.rows).toEqual([
      { iid: IID63, status: 'done', outcome },
      { iid: IID54, status: 'running' },
    ]);
    expect(next.finished).toBe(1);
    expect(run.rows[0]!.status).toBe('queued');
  });

  it("ignores another batch's events, unknown rows and moves back from a final state", () => {
    const run = applyProgress(startRun(ID, [IID63, IID54]), [
      event(0, 'done', { outcome: success(IID63), finished: 1 }),
      event(1, 'running', { finished: 1 }),
    ]);
    const same = applyProgress(run, [
      { ...event(1, 'done', { outcome: success(IID54), finished: 2 }), batchId: 'batch-2' },
      event(5, 'done', { outcome: success(IID54), finished: 2 }),
      event(0, 'running', { finished: 1 }),
      event(0, 'cancelled', { finished: 1 }),
      event(1, 'queued', { finished: 1 }),
      event(1, 'done', { finished: 1 }),
    ]);
    expect(same).toBe(run);
  });

  it('keeps the rows that did not change', () => {
    const run = startRun(ID, [IID63, IID54]);
    const next = applyProgress(run, [event(1, 'cancelled', { finished: 1 })]);
    expect(next.rows[0]).toBe(run.rows[0]);
    expect(next.rows[1]).toEqual({ iid: IID54, status: 'cancelled' });
  });
});

describe('rowStatus', () => {
  const done = (outcome: CidOutcome): BatchRowView => ({ iid: IID63, status: 'done', outcome });

  it('names every state of a row', () => {
    expect(rowStatus({ iid: IID63, status: 'queued' })).toEqual({
      label: 'Queued',
      tone: 'queued',
    });
    expect(rowStatus({ iid: IID63, status: 'running' })).toEqual({
      label: 'Sending…',
      tone: 'running',
    });
    expect(rowStatus({ iid: IID63, status: 'cancelled' })).toEqual({
      label: 'Not sent',
      tone: 'not-sent',
    });
    expect(rowStatus(done(success(IID63)))).toEqual({ label: 'CID', tone: 'ok' });
    expect(rowStatus(done(success(IID63, { fromHistory: true })))).toEqual({
      label: 'From history',
      tone: 'history',
    });
  });

  it('names a service error by its code and title', () => {
    expect(rowStatus(done({ ok: false, error: serviceError('0x7F') }))).toEqual({
      label: '0x7F',
      tone: 'error',
      detail: 'The MAK has used all its activations',
    });
  });

  it('warns when a failed request may have used an activation', () => {
    const timeout = failure({
      kind: 'network',
      cause: 'timeout',
      mayHaveReachedService: true,
      message: 'No answer within 30 seconds.',
    });
    expect(rowStatus(done(timeout))).toEqual({
      label: 'Network error',
      tone: 'error',
      detail: 'No answer within 30 seconds.',
      mayHaveUsedActivation: true,
    });
  });

  it('calls a request cancelled before it left "not sent"', () => {
    const cancelled = failure({
      kind: 'network',
      cause: 'cancelled',
      mayHaveReachedService: false,
    });
    expect(rowStatus(done(cancelled))).toEqual({ label: 'Not sent', tone: 'not-sent' });
  });
});

describe('summaries and copies', () => {
  const rows: BatchRowView[] = [
    { iid: IID63, status: 'done', outcome: success(IID63) },
    { iid: IID54, status: 'done', outcome: success(IID54, { fromHistory: true }) },
    { iid: IID63, status: 'done', outcome: { ok: false, error: serviceError('0x67') } },
    { iid: IID54, status: 'cancelled' },
  ];

  it('counts the rows as main summarises them', () => {
    const counts = countRows(rows);
    expect(counts).toEqual({ total: 4, obtained: 1, fromHistory: 1, failed: 1, cancelled: 1 });
    expect(summaryLine(counts)).toBe('1 obtained · 1 from history · 1 failed · 1 not sent');
  });

  it('copies the rows with a CID as tab-separated dashed groups under a header', () => {
    const dashed = '062722-477945-868792-870895-165923-782876-591463-700690';
    expect(resultsTsv(rows)).toEqual({
      count: 2,
      text:
        'Installation ID\tConfirmation ID\n' +
        `7221196-9197040-4081693-7404096-2814372-3123533-5227555-2274724-7236561\t${dashed}\n` +
        `005950-994222-211946-473620-381251-933522-362211-063114-026142\t${dashed}\n`,
    });
  });
});
