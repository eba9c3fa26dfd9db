import { describe, expect, it } from 'vitest';
import type { CidOutcome } from '../../shared/activation';
import type { BatchProgress } from '../../shared/batch';
import { serviceError } from '../../shared/error-catalog';
import {
  applyProgress,
  countRows,
  countUnsaved,
  isDemoRow,
  resultsTsv,
  rowStatus,
  runIsDemo,
  startRun,
  summaryLine,
  unsavedMessage,
  type BatchRowView,
} from './batch-rows';
import { failure, IID54, IID63, success } from '../test-support';

const ID = 'batch-1';
const WARNING =
  'This Confirmation ID could not be saved to the history (disk full). Write it down or copy it now: CID Desk will not remember it, and asking again would use another activation.';
const DASHED_CID = '062722-477945-868792-870895-165923-782876-591463-700690';
const DASHED_IID63 = '7221196-9197040-4081693-7404096-2814372-3123533-5227555-2274724-7236561';
const DASHED_IID54 = '005950-994222-211946-473620-381251-933522-362211-063114-026142';

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

  it('remembers whether the run was started in demo mode', () => {
    expect(startRun(ID, [IID63]).demo).toBe(false);
    expect(startRun(ID, [IID63], true).demo).toBe(true);
    const run = startRun(ID, [IID63, IID54], true);
    expect(
      applyProgress(run, [event(0, 'done', { outcome: success(IID63), finished: 1 })]).demo,
    ).toBe(true);
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

  it("sets a CID that could not be saved apart, with main's warning", () => {
    const unsaved = done(success(IID63, { warning: WARNING, source: 'service' }));
    expect(rowStatus(unsaved)).toEqual({
      label: 'CID · not saved',
      tone: 'unsaved',
      detail: WARNING,
    });
    // An empty warning is no warning.
    expect(rowStatus(done(success(IID63, { warning: '' })))).toEqual({ label: 'CID', tone: 'ok' });
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
    expect(countUnsaved(rows)).toBe(0);
  });

  it('counts an unsaved CID as obtained, and says how many were not saved', () => {
    const withUnsaved: BatchRowView[] = [
      ...rows,
      { iid: IID54, status: 'done', outcome: success(IID54, { warning: WARNING }) },
      { iid: IID63, status: 'done', outcome: success(IID63, { warning: WARNING }) },
    ];
    const counts = countRows(withUnsaved);
    expect(counts).toEqual({ total: 6, obtained: 3, fromHistory: 1, failed: 1, cancelled: 1 });
    expect(countUnsaved(withUnsaved)).toBe(2);
    expect(summaryLine(counts, 2)).toBe(
      '3 obtained · 1 from history · 1 failed · 1 not sent · 2 not saved in the history',
    );
  });

  it('tells what to do with CIDs that were not saved', () => {
    expect(unsavedMessage(1, { demo: false, canExport: true })).toEqual({
      title: '1 Confirmation ID could not be saved in the history.',
      advice:
        'Copy or export it now: CID Desk will not remember it, and asking again would use another activation.',
    });
    expect(unsavedMessage(1200, { demo: false, canExport: false })).toEqual({
      title: '1,200 Confirmation IDs could not be saved in the history.',
      advice:
        'Copy them now: CID Desk will not remember them, and asking again would use another activation.',
    });
    expect(unsavedMessage(2, { demo: true, canExport: true }).advice).toBe(
      'Copy or export them now if you need them: CID Desk will not remember them.',
    );
  });

  it('copies the rows with a CID as tab-separated dashed groups under a header', () => {
    expect(resultsTsv(rows)).toEqual({
      count: 2,
      noted: false,
      text:
        'Installation ID\tConfirmation ID\n' +
        `${DASHED_IID63}\t${DASHED_CID}\n` +
        `${DASHED_IID54}\t${DASHED_CID}\n`,
    });
  });

  it('notes demo and unsaved CIDs in a third column when there are any', () => {
    const noted: BatchRowView[] = [
      { iid: IID63, status: 'done', outcome: success(IID63, { source: 'simulator' }) },
      { iid: IID54, status: 'done', outcome: success(IID54, { warning: WARNING }) },
      { iid: IID63, status: 'done', outcome: { ok: false, error: serviceError('0x67') } },
    ];
    expect(resultsTsv(noted)).toEqual({
      count: 2,
      noted: true,
      text:
        'Installation ID\tConfirmation ID\tNote\n' +
        `${DASHED_IID63}\t${DASHED_CID}\tDemo mode: made up by the built-in simulator.\n` +
        `${DASHED_IID54}\t${DASHED_CID}\tNot saved in the history.\n`,
    });
    // A CID that does not name its source is taken as the run's.
    const unnamed: BatchRowView[] = [{ iid: IID54, status: 'done', outcome: success(IID54) }];
    expect(resultsTsv(unnamed, true).text).toBe(
      'Installation ID\tConfirmation ID\tNote\n' +
        `${DASHED_IID54}\t${DASHED_CID}\tDemo mode: made up by the built-in simulator.\n`,
    );
  });
});

describe('who answered', () => {
  const run = (demo: boolean, rows: BatchRowView[]) => ({
    ...startRun(
      ID,
      rows.map((row) => row.iid),
      demo,
    ),
    rows,
  });
  const refused: BatchRowView = {
    iid: IID54,
    status: 'done',
    outcome: { ok: false, error: serviceError('0x67') },
  };

  it("takes the run's answerer from its CIDs' source before the mode it was started in", () => {
    const simulated: BatchRowView = {
      iid: IID63,
      status: 'done',
      outcome: success(IID63, { source: 'simulator' }),
    };
    const real: BatchRowView = {
      iid: IID63,
      status: 'done',
      outcome: success(IID63, { source: 'service' }),
    };
    expect(runIsDemo(run(false, [refused, simulated]))).toBe(true);
    expect(runIsDemo(run(true, [refused, real]))).toBe(false);
    expect(runIsDemo(run(true, [refused]))).toBe(true);
    expect(runIsDemo(run(false, [{ iid: IID63, status: 'done', outcome: success(IID63) }]))).toBe(
      false,
    );
  });

  it('marks a row by its own source, an error by the run, and an unsent row never', () => {
    const simulated: BatchRowView = {
      iid: IID63,
      status: 'done',
      outcome: success(IID63, { source: 'simulator' }),
    };
    expect(isDemoRow(simulated, false)).toBe(true);
    expect(
      isDemoRow(
        { iid: IID63, status: 'done', outcome: success(IID63, { source: 'service' }) },
        true,
      ),
    ).toBe(false);
    expect(isDemoRow({ iid: IID63, status: 'done', outcome: success(IID63) }, true)).toBe(true);
    expect(isDemoRow(refused, true)).toBe(true);
    expect(isDemoRow(refused, false)).toBe(false);
    expect(isDemoRow({ iid: IID63, status: 'cancelled' }, true)).toBe(false);
    expect(isDemoRow({ iid: IID63, status: 'running' }, true)).toBe(false);
  });
});
