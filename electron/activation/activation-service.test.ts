import { mkdtemp, readFile, rm, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_PID } from '../../shared/pid';
import { SAMPLE_BLOCKED, SAMPLE_SUCCESS } from '../../shared/protocol-samples';
import { fail, makeError, ok } from '../../shared/errors';
import {
  createActivationService,
  type ActivationServiceOptions,
  type HistoryAccess,
} from './activation-service';
import type { ActivationFetch } from './activation-client';
import { lazyHistory } from '../history/history-access';
import { acquireLock } from '../storage/history-lock';
import { HISTORY_FILE_NAME, historyPairKey, type HistoryStore } from '../history/history-store';
import { startSimulator, type Simulator } from '../simulator/simulator';
import { asTheService } from '../test-support/as-the-service';

let simulator: Simulator;
let dir: string;

/** A user's own Extended PID, as set in the app's Settings. */
const OWN_PID = '55041-00172-033-600075-03-1033-7601.0000-1412012';

beforeEach(async () => {
  simulator = await startSimulator();
  dir = await mkdtemp(path.join(tmpdir(), 'cid-desk-service-'));
});
afterEach(async () => {
  await simulator.close();
  await rm(dir, { recursive: true, force: true });
});

function service(overrides: Partial<ActivationServiceOptions> = {}) {
  return createActivationService({
    fetch: asTheService,
    endpoint: new URL(simulator.url),
    timeoutMs: 5_000,
    history: lazyHistory(dir).as('service'),
    ...overrides,
  });
}

/** The real history in `dir`, except that every append ends as `append` says. */
function historyWhoseAppend(append: HistoryStore['append']): HistoryAccess {
  const real = lazyHistory(dir);
  return {
    source: 'service',
    open: async () => {
      const store = await real.open();
      if (!store.ok) return store;
      const failing: HistoryStore = Object.create(store.value);
      failing.append = append;
      return ok(failing);
    },
  };
}

/** The disk fills up between the lookup and the append. */
const fullDiskHistory = () =>
  historyWhoseAppend(async () =>
    fail(makeError('storage', 'The disk is full.', 'Free some space.')),
  );

async function historyLines(): Promise<Record<string, unknown>[]> {
  const text = await readFile(path.join(dir, HISTORY_FILE_NAME), 'utf8');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('activation service without history', () => {
  it('validates, sends once and shapes the outcome', async () => {
    const outcome = await service({ history: undefined }).getCid({ iid: SAMPLE_SUCCESS.iid });
    expect(outcome).toMatchObject({
      ok: true,
      iid: SAMPLE_SUCCESS.iid,
      pid: DEFAULT_PID,
      cid: SAMPLE_SUCCESS.cid,
      fromHistory: false,
    });
    expect(outcome).not.toHaveProperty('source');
    expect(simulator.requestCount).toBe(1);
  });

  it('says so when the simulator answered, though no history is kept', async () => {
    const outcome = await service({ fetch, history: undefined }).getCid({
      iid: SAMPLE_SUCCESS.iid,
    });
    expect(outcome).toMatchObject({ ok: true, cid: SAMPLE_SUCCESS.cid, source: 'simulator' });
  });

  it('sends nothing for an invalid IID or PID', async () => {
    const bad = await service().getCid({ iid: SAMPLE_SUCCESS.iid.slice(1) });
    const badPid = await service().getCid({ iid: SAMPLE_SUCCESS.iid, pid: '12-34' });
    expect(bad).toMatchObject({ ok: false, error: { kind: 'invalid-input' } });
    expect(badPid).toMatchObject({ ok: false, error: { kind: 'invalid-input' } });
    expect(simulator.requestCount).toBe(0);
  });
});

describe('activation service with history', () => {
  it('answers a known IID from history without a second request', async () => {
    const first = await service().getCid({ iid: SAMPLE_SUCCESS.iid });
    const second = await service().getCid({
      iid: ` ${SAMPLE_SUCCESS.iid.match(/.{7}/g)!.join('-')} `,
    });
    expect(first).toMatchObject({ ok: true, fromHistory: false });
    expect(second).toEqual({
      ok: true,
      iid: SAMPLE_SUCCESS.iid,
      pid: DEFAULT_PID,
      cid: SAMPLE_SUCCESS.cid,
      groups: ['062722', '477945', '868792', '870895', '165923', '782876', '591463', '700690'],
      fromHistory: true,
      obtainedAt: first.ok ? first.obtainedAt : '',
      source: 'service',
    });
    expect(first).toMatchObject({ source: 'service' });
    expect(simulator.requestCount).toBe(1);
    expect(await historyLines()).toMatchObject([
      {
        v: 1,
        type: 'cid',
        iid: SAMPLE_SUCCESS.iid,
        pid: DEFAULT_PID,
        cid: SAMPLE_SUCCESS.cid,
        source: 'service',
      },
    ]);
  });

  it('reports the time on record, so a later answer from history gives the same time', async () => {
    // The service's clock and the history's disagree: the history's is the one kept.
    const history = lazyHistory(dir, { now: () => new Date('2026-03-14T09:26:53.589Z') });
    const skewed = service({ history: history.as('service'), now: () => new Date(0) });
    const first = await skewed.getCid({ iid: SAMPLE_SUCCESS.iid });
    const again = await skewed.getCid({ iid: SAMPLE_SUCCESS.iid });
    expect(first).toMatchObject({
      ok: true,
      fromHistory: false,
      obtainedAt: '2026-03-14T09:26:53.589Z',
    });
    expect(again).toMatchObject({
      ok: true,
      fromHistory: true,
      obtainedAt: '2026-03-14T09:26:53.589Z',
    });
  });

  it('sends again only when forced', async () => {
    await service().getCid({ iid: SAMPLE_SUCCESS.iid });
    const forced = await service().getCid({ iid: SAMPLE_SUCCESS.iid, force: true });
    expect(forced).toMatchObject({ ok: true, fromHistory: false });
    expect(simulator.requestCount).toBe(2);
  });

  it('answers an IID known under another Extended PID from the history too', async () => {
    await service().getCid({ iid: SAMPLE_SUCCESS.iid, pid: OWN_PID });
    const withDefault = await service().getCid({ iid: SAMPLE_SUCCESS.iid });
    expect(withDefault).toMatchObject({ ok: true, fromHistory: true, pid: OWN_PID });
    expect(simulator.requestCount).toBe(1);
  });

  it('merges concurrent requests for one IID in one process into one request', async () => {
    simulator.setScenario({ iid: SAMPLE_SUCCESS.iid }, { kind: 'slow', delayMs: 300 });
    const shared = service();
    const outcomes = await Promise.all(
      Array.from({ length: 5 }, () => shared.getCid({ iid: SAMPLE_SUCCESS.iid })),
    );
    expect(simulator.requestCount).toBe(1);
    for (const outcome of outcomes)
      expect(outcome).toMatchObject({ ok: true, cid: SAMPLE_SUCCESS.cid });
  });

  it('lets two independent users of one data folder reach the service once', async () => {
    simulator.setScenario({ iid: SAMPLE_SUCCESS.iid }, { kind: 'slow', delayMs: 300 });
    // Two services with their own history handles behave like the app and the CLI.
    const [a, b] = await Promise.all([
      service().getCid({ iid: SAMPLE_SUCCESS.iid }),
      service().getCid({ iid: SAMPLE_SUCCESS.iid }),
    ]);
    expect(simulator.requestCount).toBe(1);
    expect([a, b].map((o) => o.ok && o.fromHistory).sort()).toEqual([false, true]);
  });

  it('lets the app and the command line, asking with different Extended PIDs, reach the service once', async () => {
    simulator.setScenario({ iid: SAMPLE_SUCCESS.iid }, { kind: 'slow', delayMs: 300 });
    // The app sends the PID from Settings, `cid-desk get` the default one.
    const [app, cli] = await Promise.all([
      service().getCid({ iid: SAMPLE_SUCCESS.iid, pid: OWN_PID }),
      service().getCid({ iid: SAMPLE_SUCCESS.iid }),
    ]);
    expect(simulator.requestCount).toBe(1);
    const [sent, answered] = app.ok && !app.fromHistory ? [app, cli] : [cli, app];
    expect(sent).toMatchObject({ ok: true, fromHistory: false, cid: SAMPLE_SUCCESS.cid });
    // The second is answered from the history, with the PID the CID was obtained with.
    expect(answered).toMatchObject({
      ok: true,
      fromHistory: true,
      cid: SAMPLE_SUCCESS.cid,
      pid: sent.ok ? sent.pid : '',
    });
    const cids = (await historyLines()).filter((line) => line.type === 'cid');
    expect(cids).toHaveLength(1);
  });

  it('merges concurrent requests for one IID in one process whatever their Extended PID', async () => {
    simulator.setScenario({ iid: SAMPLE_SUCCESS.iid }, { kind: 'slow', delayMs: 300 });
    const shared = service();
    const outcomes = await Promise.all([
      shared.getCid({ iid: SAMPLE_SUCCESS.iid, pid: OWN_PID }),
      shared.getCid({ iid: SAMPLE_SUCCESS.iid }),
    ]);
    expect(simulator.requestCount).toBe(1);
    expect(simulator.requests[0]).toMatchObject({ pid: OWN_PID });
    for (const outcome of outcomes) {
      expect(outcome).toMatchObject({ ok: true, cid: SAMPLE_SUCCESS.cid, pid: OWN_PID });
    }
  });

  it('waits for an older version that locks the IID with its Extended PID only', async () => {
    const older = await acquireLock(dir, historyPairKey(SAMPLE_SUCCESS.iid, DEFAULT_PID));
    if (!older.ok) throw new Error(older.error.message);
    const asking = service().getCid({ iid: SAMPLE_SUCCESS.iid });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(simulator.requestCount).toBe(0);
    await older.value.release();
    expect(await asking).toMatchObject({ ok: true, fromHistory: false });
    expect(simulator.requestCount).toBe(1);
  });

  it('records errors too, and does not answer from them', async () => {
    const blocked = await service().getCid({ iid: SAMPLE_BLOCKED.iid });
    expect(blocked).toMatchObject({ ok: false, error: { kind: 'service', code: '0x67' } });
    await service().getCid({ iid: SAMPLE_BLOCKED.iid });
    expect(simulator.requestCount).toBe(2);
    const lines = await historyLines();
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({
      type: 'error',
      iid: SAMPLE_BLOCKED.iid,
      error: { kind: 'service', code: '0x67' },
    });
  });

  it('refuses to send when the history cannot be read', async () => {
    const blocked = path.join(dir, 'not-a-folder');
    await mkdir(path.join(dir, 'not-a-folder', HISTORY_FILE_NAME), { recursive: true });
    const outcome = await service({ history: lazyHistory(blocked).as('service') }).getCid({
      iid: SAMPLE_SUCCESS.iid,
    });
    expect(outcome).toMatchObject({
      ok: false,
      error: { kind: 'storage', mayHaveReachedService: false },
    });
    expect(!outcome.ok && outcome.error.message).toMatch(
      /^Nothing was sent: CID Desk cannot use its history/,
    );
    expect(simulator.requestCount).toBe(0);
  });

  it('still shows a CID it could not save, with a loud warning', async () => {
    // The disk fills up between the lookup and the append: the CID was issued and must not be lost.
    const fullDisk = fullDiskHistory();
    const outcome = await service({ history: fullDisk }).getCid({ iid: SAMPLE_SUCCESS.iid });
    expect(outcome).toMatchObject({ ok: true, cid: SAMPLE_SUCCESS.cid });
    expect(outcome.ok && outcome.warning).toBe(
      'This Confirmation ID could not be saved to the history: The disk is full. Write it down or copy it now: CID Desk will not remember it, and asking again would use another activation.',
    );
  });

  it('keeps demo CIDs apart from real ones', async () => {
    const history = lazyHistory(dir);
    await service({ history: history.as('simulator') }).getCid({ iid: SAMPLE_SUCCESS.iid });
    const real = await service({ history: history.as('service') }).getCid({
      iid: SAMPLE_SUCCESS.iid,
    });
    expect(real).toMatchObject({ ok: true, fromHistory: false });
    expect(simulator.requestCount).toBe(2);
  });
});

describe('cancelling', () => {
  it('after sending ends the wait at once but keeps the CID the answer brings', async () => {
    simulator.setScenario({ iid: SAMPLE_SUCCESS.iid }, { kind: 'slow', delayMs: 400 });
    const shared = service();
    const controller = new AbortController();
    const waiting = shared.getCid({ iid: SAMPLE_SUCCESS.iid, signal: controller.signal });
    await expect.poll(() => simulator.requestCount).toBe(1);
    controller.abort();
    const outcome = await waiting;
    expect(outcome).toMatchObject({
      ok: false,
      error: { kind: 'network', cause: 'cancelled', mayHaveReachedService: true },
    });
    expect(shared.pending()).toBe(1);
    await shared.idle();
    expect(shared.pending()).toBe(0);
    // The activation was spent, and its CID was kept: asking again costs nothing.
    const again = await shared.getCid({ iid: SAMPLE_SUCCESS.iid });
    expect(again).toMatchObject({ ok: true, fromHistory: true, cid: SAMPLE_SUCCESS.cid });
    expect(simulator.requestCount).toBe(1);
  });

  it('before sending (while another request for the IID runs) sends nothing', async () => {
    simulator.setScenario({ iid: SAMPLE_SUCCESS.iid }, { kind: 'slow', delayMs: 400 });
    // Two services on one folder, like the app and the CLI: the second waits for the lock.
    const first = service().getCid({ iid: SAMPLE_SUCCESS.iid });
    await expect.poll(() => simulator.requestCount).toBe(1);
    const controller = new AbortController();
    const second = service().getCid({
      iid: SAMPLE_SUCCESS.iid,
      force: true,
      signal: controller.signal,
    });
    controller.abort();
    expect(await second).toMatchObject({
      ok: false,
      error: { cause: 'cancelled', mayHaveReachedService: false },
    });
    expect(await first).toMatchObject({ ok: true, cid: SAMPLE_SUCCESS.cid });
    expect(simulator.requestCount).toBe(1);
  });

  it('by every caller does not cancel the next caller for the IID', async () => {
    simulator.setScenario({ iid: SAMPLE_SUCCESS.iid }, { kind: 'slow', delayMs: 400 });
    // Another user of the folder holds the IID, so this service's request waits for the lock.
    const first = service().getCid({ iid: SAMPLE_SUCCESS.iid });
    await expect.poll(() => simulator.requestCount).toBe(1);
    const shared = service();
    const controller = new AbortController();
    const leaving = shared.getCid({ iid: SAMPLE_SUCCESS.iid, signal: controller.signal });
    controller.abort();
    // Asked again at once, while the cancelled request is still winding down.
    const next = shared.getCid({ iid: SAMPLE_SUCCESS.iid });
    expect(await leaving).toMatchObject({
      ok: false,
      error: { cause: 'cancelled', mayHaveReachedService: false },
    });
    // The request winding down ends within moments, and must not take the new one's place with it.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(shared.pending()).toBe(1);
    expect(await next).toMatchObject({ ok: true, fromHistory: true, cid: SAMPLE_SUCCESS.cid });
    expect(await first).toMatchObject({ ok: true, fromHistory: false });
    expect(simulator.requestCount).toBe(1);
  });

  it('by one of two callers of the same request leaves the other its answer', async () => {
    simulator.setScenario({ iid: SAMPLE_SUCCESS.iid }, { kind: 'slow', delayMs: 300 });
    const shared = service();
    const controller = new AbortController();
    const leaving = shared.getCid({ iid: SAMPLE_SUCCESS.iid, signal: controller.signal });
    const staying = shared.getCid({
      iid: SAMPLE_SUCCESS.iid,
      signal: new AbortController().signal,
    });
    controller.abort();
    expect(await leaving).toMatchObject({ ok: false, error: { cause: 'cancelled' } });
    expect(await staying).toMatchObject({ ok: true, cid: SAMPLE_SUCCESS.cid, fromHistory: false });
    expect(simulator.requestCount).toBe(1);
  });
});

describe('a request that fails with an exception', () => {
  it('before sending answers every caller that nothing was sent', async () => {
    const broken: HistoryAccess = {
      source: 'service',
      open: () => Promise.reject(new Error('the history broke')),
    };
    const shared = service({ history: broken });
    const outcomes = await Promise.all([
      shared.getCid({ iid: SAMPLE_SUCCESS.iid }),
      shared.getCid({ iid: SAMPLE_SUCCESS.iid, signal: new AbortController().signal }),
    ]);
    for (const outcome of outcomes) {
      expect(outcome).toMatchObject({
        ok: false,
        error: {
          kind: 'unexpected-response',
          mayHaveReachedService: false,
          detail: 'Error: the history broke',
        },
      });
    }
    expect(!outcomes[0].ok && outcomes[0].error.message).toBe(
      'CID Desk ran into an unexpected problem before sending the request. Nothing was sent, so no activation was used.',
    );
    expect(shared.pending()).toBe(0);
    expect(simulator.requestCount).toBe(0);
  });

  it('after sending says the request may have reached the service', async () => {
    const throwing = historyWhoseAppend(() => Promise.reject(new Error('append broke')));
    const outcome = await service({ history: throwing }).getCid({ iid: SAMPLE_SUCCESS.iid });
    expect(outcome).toMatchObject({
      ok: false,
      error: {
        kind: 'unexpected-response',
        mayHaveReachedService: true,
        detail: 'Error: append broke',
      },
    });
    expect(simulator.requestCount).toBe(1);
  });

  it('that no one waits for any more leaves nothing unhandled behind', async () => {
    let rejectOpen!: (error: Error) => void;
    const broken: HistoryAccess = {
      source: 'service',
      open: () => new Promise((_, reject) => (rejectOpen = reject)),
    };
    const shared = service({ history: broken });
    const controller = new AbortController();
    const waiting = shared.getCid({ iid: SAMPLE_SUCCESS.iid, signal: controller.signal });
    controller.abort();
    expect(await waiting).toMatchObject({ ok: false, error: { cause: 'cancelled' } });
    rejectOpen(new Error('the history broke'));
    await shared.idle();
    expect(shared.pending()).toBe(0);
  });
});

describe('remaining activations', () => {
  it('asks with RequestType 2 and records the answer', async () => {
    const outcome = await service().getRemaining({ pid: DEFAULT_PID });
    expect(outcome).toMatchObject({ ok: true, pid: DEFAULT_PID });
    expect(simulator.requests[0]).toMatchObject({ requestType: 2, pid: DEFAULT_PID });
    expect(await historyLines()).toMatchObject([{ type: 'remaining', pid: DEFAULT_PID }]);
  });
});

describe('where an error or a count came from', () => {
  const OTHER_PID = '55041-00172-033-600075-03-1033-7601.0000-1412012';
  const AT = '2025-03-14T09:26:53.589Z';
  const idOf = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

  beforeEach(() => {
    // By IID first: the scenario of its PID would answer the CID request otherwise.
    simulator.setScenario({ iid: SAMPLE_BLOCKED.iid }, { kind: 'error', code: '0x67' });
    simulator.setScenario({ pid: DEFAULT_PID }, { kind: 'remaining', remaining: 5 });
    simulator.setScenario({ pid: OTHER_PID }, { kind: 'error', code: '0x67' });
  });

  /** A failed CID request, a count and a failed count, in this order; gives the error messages. */
  async function askAll(
    source: 'service' | 'simulator',
    fetchFn: ActivationFetch = asTheService,
  ): Promise<[string, string]> {
    let n = 1;
    const history = lazyHistory(dir, { now: () => new Date(AT), newId: () => idOf(n++) });
    const asking = service({ fetch: fetchFn, history: history.as(source) });
    const blocked = await asking.getCid({ iid: SAMPLE_BLOCKED.iid });
    expect(await asking.getRemaining({ pid: DEFAULT_PID })).toMatchObject({ remaining: 5 });
    const refused = await asking.getRemaining({ pid: OTHER_PID });
    if (blocked.ok || refused.ok) throw new Error('Both requests should have failed.');
    return [blocked.error.message, refused.error.message];
  }

  it('is recorded as the simulator in demo mode', async () => {
    await askAll('simulator');
    const lines = await historyLines();
    expect(lines).toMatchObject([
      { type: 'error', iid: SAMPLE_BLOCKED.iid, error: { code: '0x67' }, source: 'simulator' },
      { type: 'remaining', pid: DEFAULT_PID, remaining: 5, source: 'simulator' },
      { type: 'error', pid: OTHER_PID, error: { code: '0x67' }, source: 'simulator' },
    ]);
    // Last, after every field older versions write.
    for (const line of lines) expect(Object.keys(line).at(-1)).toBe('source');
  });

  it('is recorded as the simulator when the simulator answered, though asked as the service', async () => {
    await askAll('service', fetch);
    expect(await historyLines()).toMatchObject([
      { type: 'error', iid: SAMPLE_BLOCKED.iid, error: { code: '0x67' }, source: 'simulator' },
      { type: 'remaining', pid: DEFAULT_PID, remaining: 5, source: 'simulator' },
      { type: 'error', pid: OTHER_PID, error: { code: '0x67' }, source: 'simulator' },
    ]);
  });

  it('is not written for the service, so its lines stay as older versions write them', async () => {
    const [blocked, refused] = await askAll('service');
    const text = await readFile(path.join(dir, HISTORY_FILE_NAME), 'utf8');
    expect(text).toBe(
      `{"v":1,"id":"${idOf(1)}","at":"${AT}","type":"error","iid":"${SAMPLE_BLOCKED.iid}","pid":"${DEFAULT_PID}","error":{"kind":"service","code":"0x67","message":${JSON.stringify(blocked)}},"mayHaveReachedService":true}\n` +
        `{"v":1,"id":"${idOf(2)}","at":"${AT}","type":"remaining","pid":"${DEFAULT_PID}","remaining":5}\n` +
        `{"v":1,"id":"${idOf(3)}","at":"${AT}","type":"error","pid":"${OTHER_PID}","error":{"kind":"service","code":"0x67","message":${JSON.stringify(refused)}}}\n`,
    );
  });
});

describe('a simulator reached as the service (an endpoint set by hand)', () => {
  it("files its made-up CID as the simulator's and says so", async () => {
    const outcome = await service({ fetch }).getCid({ iid: SAMPLE_SUCCESS.iid });
    expect(outcome).toMatchObject({
      ok: true,
      cid: SAMPLE_SUCCESS.cid,
      fromHistory: false,
      source: 'simulator',
    });
    const lines = await historyLines();
    expect(lines).toMatchObject([
      { type: 'cid', iid: SAMPLE_SUCCESS.iid, cid: SAMPLE_SUCCESS.cid, source: 'simulator' },
    ]);
    expect(outcome.ok && outcome.obtainedAt).toBe(lines[0]!.at);
  });

  it('never answers a later request to the real service with that CID', async () => {
    await service({ fetch }).getCid({ iid: SAMPLE_SUCCESS.iid });
    // The same IID, asked of a service that does not name itself the simulator: it is sent.
    const real = await service().getCid({ iid: SAMPLE_SUCCESS.iid });
    expect(real).toMatchObject({ ok: true, fromHistory: false, source: 'service' });
    expect(simulator.requestCount).toBe(2);
    expect((await historyLines()).map((line) => line.source)).toEqual(['simulator', 'service']);
    // The real CID is the one the real service is answered with from now on.
    const again = await service().getCid({ iid: SAMPLE_SUCCESS.iid });
    expect(again).toMatchObject({ ok: true, fromHistory: true, source: 'service' });
    expect(simulator.requestCount).toBe(2);
  });

  it('says so even when the CID could not be saved', async () => {
    const fullDisk = fullDiskHistory();
    const outcome = await service({ fetch, history: fullDisk }).getCid({
      iid: SAMPLE_SUCCESS.iid,
    });
    expect(outcome).toMatchObject({ ok: true, source: 'simulator', warning: expect.any(String) });
  });

  it("files its errors as the simulator's, and gives no more than an error back", async () => {
    const blocked = await service({ fetch }).getCid({ iid: SAMPLE_BLOCKED.iid });
    expect(Object.keys(blocked)).toEqual(['ok', 'error']);
    const count = await service({ fetch }).getRemaining({ pid: DEFAULT_PID });
    expect(Object.keys(count)).toEqual(['ok', 'pid', 'remaining']);
    expect(await historyLines()).toMatchObject([
      { type: 'error', iid: SAMPLE_BLOCKED.iid, error: { code: '0x67' }, source: 'simulator' },
      { type: 'remaining', pid: DEFAULT_PID, source: 'simulator' },
    ]);
  });
});
