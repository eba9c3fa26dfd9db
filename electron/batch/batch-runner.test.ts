import { getEventListeners } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CidOutcome, CidSuccess } from '../../shared/activation';
import { makeError, type CidDeskError } from '../../shared/errors';
import { DEFAULT_PID } from '../../shared/pid';
import { SAMPLE_SUCCESS } from '../../shared/protocol-samples';
import { createActivationService } from '../activation/activation-service';
import {
  batchRowsToCsv,
  runBatch,
  type BatchEvent,
  type BatchResult,
  type BatchRow,
} from './batch-runner';
import { batchRowToJson, errorJson } from '../cli/cli-output';
import { simulatedCid, startSimulator, type Simulator } from '../simulator/simulator';
import { deriveIid } from '../simulator/simulator-scenarios';
import { parseCsv } from '../../shared/test-support/csv-reader';

const IIDS = Array.from({ length: 20 }, (_, i) => deriveIid(`runner ${i}`));
const OBTAINED_AT = '2026-03-01T10:00:00.000Z';
const CID = SAMPLE_SUCCESS.cid;
const CID_GROUPS = CID.match(/.{6}/g)!;

function success(iid: string, extra: Partial<CidSuccess> = {}): CidSuccess {
  return {
    ok: true,
    iid,
    pid: DEFAULT_PID,
    cid: CID,
    groups: CID_GROUPS,
    fromHistory: false,
    obtainedAt: OBTAINED_AT,
    ...extra,
  };
}

function failure(error: CidDeskError): CidOutcome {
  return { ok: false, error };
}

const BLOCKED = makeError('service', 'The product key has been blocked.', 'Use another key.', {
  code: '0x67',
});
const CANCELLED = makeError(
  'network',
  'The request was cancelled before its answer arrived.',
  'Send it again.',
  {
    cause: 'cancelled',
    mayHaveReachedService: true,
  },
);

interface Call {
  iid: string;
  signal: AbortSignal;
  answer(outcome: CidOutcome): void;
}

/**
 * A getCid whose every call waits until the test answers it; it counts calls in flight and, like
 * the real client, answers a call as cancelled as soon as its signal aborts.
 */
function controlledGetCid() {
  const calls: Call[] = [];
  const pending: Call[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const getCid = (iid: string, signal: AbortSignal) =>
    new Promise<CidOutcome>((resolve) => {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      const call: Call = {
        iid,
        signal,
        answer(outcome) {
          if (!pending.includes(call)) return;
          pending.splice(pending.indexOf(call), 1);
          inFlight -= 1;
          resolve(outcome);
        },
      };
      const onAbort = () => call.answer(failure(CANCELLED));
      const answer = call.answer;
      call.answer = (outcome) => {
        signal.removeEventListener('abort', onAbort);
        answer(outcome);
      };
      calls.push(call);
      pending.push(call);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  return {
    getCid,
    calls,
    pending,
    get inFlight() {
      return inFlight;
    },
    get maxInFlight() {
      return maxInFlight;
    },
  };
}

/** Lets the runner's promise continuations run until `ready` holds (no timers involved). */
async function until(ready: () => boolean): Promise<void> {
  for (let turn = 0; turn < 1000; turn += 1) {
    if (ready()) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  throw new Error('the runner did not get there');
}

function statuses(result: BatchResult): string[] {
  return result.rows.map((row) =>
    row.status === 'cancelled'
      ? 'cancelled'
      : row.outcome.ok
        ? 'ok'
        : `error ${row.outcome.error.cause ?? row.outcome.error.code}`,
  );
}

describe('runBatch: scheduling', () => {
  it.each([
    [1, 1],
    [2, 2],
    [3, 3],
    [8, 8],
    [undefined, 2],
  ])(
    'with concurrency %s, has never more than %i requests in flight and keeps them busy',
    async (concurrency, limit) => {
      const fake = controlledGetCid();
      const running = runBatch(IIDS, { getCid: fake.getCid, concurrency });
      let answered = 0;
      while (answered < IIDS.length) {
        await until(() => fake.pending.length === Math.min(limit, IIDS.length - answered));
        expect(fake.inFlight).toBe(Math.min(limit, IIDS.length - answered));
        // Answer a different one each time so that slots free up out of order.
        const call = fake.pending[(answered * 7) % fake.pending.length]!;
        call.answer(success(call.iid));
        answered += 1;
      }
      const result = await running;
      expect(fake.maxInFlight).toBe(limit);
      expect(fake.calls.map((call) => call.iid)).toEqual(IIDS);
      expect(result.summary).toEqual({
        total: 20,
        obtained: 20,
        fromHistory: 0,
        failed: 0,
        cancelled: 0,
        duplicates: 0,
      });
    },
  );

  it.each([0, 9, 1.5, Number.NaN])('refuses %s requests at a time', async (concurrency) => {
    const fake = controlledGetCid();
    await expect(runBatch(IIDS, { getCid: fake.getCid, concurrency })).rejects.toThrow(
      new RangeError(
        `The number of requests at a time must be a whole number from 1 to 8, not ${concurrency}.`,
      ),
    );
    expect(fake.calls).toEqual([]);
  });

  it('returns the rows in input order whatever order the answers come in', async () => {
    const fake = controlledGetCid();
    const running = runBatch(IIDS.slice(0, 4), { getCid: fake.getCid, concurrency: 4 });
    await until(() => fake.pending.length === 4);
    for (const call of [...fake.pending].reverse()) {
      call.answer(success(call.iid, { cid: call.iid.slice(0, 48) }));
    }
    const result = await running;
    expect(
      result.rows.map((row) => row.status === 'done' && row.outcome.ok && row.outcome.cid),
    ).toEqual(IIDS.slice(0, 4).map((iid) => iid.slice(0, 48)));
    expect(result.rows.map((row) => [row.index, row.iid])).toEqual(
      IIDS.slice(0, 4).map((iid, i) => [i, iid]),
    );
  });

  it('reports each row queued, running and done, and the progress after each answer', async () => {
    const fake = controlledGetCid();
    const events: BatchEvent[] = [];
    const [a, b, c] = IIDS;
    const running = runBatch([a!, b!, c!], {
      getCid: fake.getCid,
      concurrency: 2,
      onProgress: (event) => events.push(event),
    });
    await until(() => fake.pending.length === 2);
    fake.pending[1]!.answer(success(b!));
    await until(() => fake.pending.length === 2);
    fake.pending[0]!.answer(failure(BLOCKED));
    await until(() => fake.pending.length === 1);
    fake.pending[0]!.answer(success(c!, { fromHistory: true }));
    await running;
    expect(events).toEqual([
      { index: 0, iid: a, status: 'queued', finished: 0, total: 3 },
      { index: 1, iid: b, status: 'queued', finished: 0, total: 3 },
      { index: 2, iid: c, status: 'queued', finished: 0, total: 3 },
      { index: 0, iid: a, status: 'running', finished: 0, total: 3 },
      { index: 1, iid: b, status: 'running', finished: 0, total: 3 },
      { index: 1, iid: b, status: 'done', outcome: success(b!), finished: 1, total: 3 },
      { index: 2, iid: c, status: 'running', finished: 1, total: 3 },
      { index: 0, iid: a, status: 'done', outcome: failure(BLOCKED), finished: 2, total: 3 },
      {
        index: 2,
        iid: c,
        status: 'done',
        outcome: success(c!, { fromHistory: true }),
        finished: 3,
        total: 3,
      },
    ]);
  });

  it('asks once for an ID that appears several times, however it is written', async () => {
    const [a, b] = IIDS;
    const spaced = a!.match(/.{7}/g)!.join(' ');
    const input = [a!, spaced, b!, 'not an id', `${a}`, 'not an id'];
    const asked: string[] = [];
    const result = await runBatch(input, {
      getCid: async (iid) => {
        asked.push(iid);
        return iid === 'not an id'
          ? failure(makeError('invalid-input', 'No.', 'Fix it.'))
          : success(iid);
      },
    });
    expect(asked).toEqual([a, b, 'not an id']);
    expect(result.rows.map((row) => row.duplicateOf)).toEqual([null, 0, null, null, 0, 3]);
    expect(result.rows[1]).toEqual({
      index: 1,
      iid: spaced,
      duplicateOf: 0,
      status: 'done',
      outcome: success(a!),
    });
    expect(result.summary).toEqual({
      total: 6,
      obtained: 2,
      fromHistory: 0,
      failed: 1,
      cancelled: 0,
      duplicates: 3,
    });
  });
});

describe('runBatch: failures and cancelling', () => {
  it('goes on after a row fails, even when getCid throws', async () => {
    const [a, b, c, d] = IIDS;
    const result = await runBatch([a!, b!, c!, d!], {
      concurrency: 1,
      getCid: async (iid) => {
        if (iid === b) return failure(BLOCKED);
        if (iid === c) throw new TypeError('boom');
        return success(iid, { fromHistory: iid === d });
      },
    });
    expect(statuses(result)).toEqual(['ok', 'error 0x67', 'error null', 'ok']);
    const thrown = result.rows[2]!;
    expect(thrown.status === 'done' && !thrown.outcome.ok && thrown.outcome.error).toEqual({
      kind: 'unexpected-response',
      code: null,
      message: 'Asking for this Installation ID failed unexpectedly.',
      advice:
        'The request may have reached Microsoft: look in the history before sending this Installation ID again. If it happens again, report it with the detail.',
      mayHaveReachedService: true,
      detail: 'TypeError: boom',
    });
    expect(result.summary).toEqual({
      total: 4,
      obtained: 1,
      fromHistory: 1,
      failed: 2,
      cancelled: 0,
      duplicates: 0,
    });
  });

  it('on cancel starts nothing more, lets running requests end, and marks the rest not sent', async () => {
    const fake = controlledGetCid();
    const controller = new AbortController();
    const events: BatchEvent[] = [];
    const input = [...IIDS.slice(0, 6), IIDS[5]!];
    const running = runBatch(input, {
      getCid: fake.getCid,
      concurrency: 2,
      signal: controller.signal,
      onProgress: (event) => events.push(event),
    });
    await until(() => fake.pending.length === 2);
    fake.pending[0]!.answer(success(IIDS[0]!));
    await until(() => fake.calls.length === 3);
    events.length = 0;
    controller.abort();
    const result = await running;

    expect(fake.calls.map((call) => call.iid)).toEqual(IIDS.slice(0, 3));
    // Each request has its own signal: the one that had ended is left alone.
    expect(fake.calls.map((call) => call.signal.aborted)).toEqual([false, true, true]);
    expect(statuses(result)).toEqual([
      'ok',
      'error cancelled',
      'error cancelled',
      'cancelled',
      'cancelled',
      'cancelled',
      'cancelled',
    ]);
    expect(result.rows[6]).toEqual({ index: 6, iid: IIDS[5], duplicateOf: 5, status: 'cancelled' });
    expect(events).toEqual([
      {
        index: 1,
        iid: IIDS[1],
        status: 'done',
        outcome: failure(CANCELLED),
        finished: 2,
        total: 7,
      },
      {
        index: 2,
        iid: IIDS[2],
        status: 'done',
        outcome: failure(CANCELLED),
        finished: 3,
        total: 7,
      },
      { index: 3, iid: IIDS[3], status: 'cancelled', finished: 4, total: 7 },
      { index: 4, iid: IIDS[4], status: 'cancelled', finished: 5, total: 7 },
      { index: 5, iid: IIDS[5], status: 'cancelled', finished: 6, total: 7 },
      { index: 6, iid: IIDS[5], status: 'cancelled', finished: 7, total: 7 },
    ]);
    expect(result.summary).toEqual({
      total: 7,
      obtained: 1,
      fromHistory: 0,
      failed: 2,
      cancelled: 3,
      duplicates: 1,
    });
  });

  it("keeps one listener on the caller's signal, however many requests it sends", async () => {
    const fake = controlledGetCid();
    const controller = new AbortController();
    const running = runBatch(IIDS, {
      getCid: fake.getCid,
      concurrency: 8,
      signal: controller.signal,
    });
    for (let answered = 0; answered < IIDS.length; answered += 1) {
      await until(() => fake.pending.length > 0);
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
      fake.pending[0]!.answer(success(fake.pending[0]!.iid));
    }
    await running;
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('sends nothing when cancelled before it starts', async () => {
    const fake = controlledGetCid();
    const result = await runBatch(IIDS.slice(0, 3), {
      getCid: fake.getCid,
      signal: AbortSignal.abort(),
    });
    expect(fake.calls).toEqual([]);
    expect(statuses(result)).toEqual(['cancelled', 'cancelled', 'cancelled']);
    expect(result.summary.cancelled).toBe(3);
  });

  it('stops starting requests when a progress listener throws, and rethrows once they settle', async () => {
    const asked: string[] = [];
    const broken = new Error('listener bug');
    await expect(
      runBatch(IIDS.slice(0, 3), {
        concurrency: 1,
        getCid: async (iid) => {
          asked.push(iid);
          return success(iid);
        },
        onProgress: (event) => {
          if (event.status === 'done') throw broken;
        },
      }),
    ).rejects.toBe(broken);
    expect(asked).toEqual([IIDS[0]]);
  });
});

describe('batchRowsToCsv and batchRowToJson', () => {
  const [a, b, c, d] = IIDS as [string, string, string, string];
  const rows: BatchRow[] = [
    { index: 0, iid: a, duplicateOf: null, status: 'done', outcome: success(a) },
    {
      index: 1,
      iid: b,
      duplicateOf: null,
      status: 'done',
      outcome: success(b, { fromHistory: true, warning: 'It could not be saved.' }),
    },
    { index: 2, iid: c, duplicateOf: null, status: 'done', outcome: failure(BLOCKED) },
    {
      index: 3,
      iid: '=1+2',
      duplicateOf: null,
      status: 'done',
      outcome: failure(makeError('invalid-input', '3 digits were found.', 'Copy it again.')),
    },
    { index: 4, iid: d, duplicateOf: null, status: 'done', outcome: failure(CANCELLED) },
    {
      index: 5,
      iid: a.match(/.{7}/g)!.join(' '),
      duplicateOf: 0,
      status: 'done',
      outcome: success(a),
    },
    { index: 6, iid: d, duplicateOf: null, status: 'cancelled' },
  ];
  const result: BatchResult = {
    rows,
    summary: { total: 7, obtained: 1, fromHistory: 1, failed: 3, cancelled: 1, duplicates: 1 },
  };
  const dashed = (iid: string) => iid.match(/.{7}/g)!.join('-');

  it('writes one CSV row per input, formula-safe, with CR LF line ends', () => {
    const csv = batchRowsToCsv(result);
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(parseCsv(csv)).toEqual([
      ['IID', 'Result', 'CID', 'CID groups (dashes)', 'From history', 'Error code', 'Message'],
      [dashed(a), 'CID', CID, CID_GROUPS.join('-'), 'no', '', ''],
      [
        dashed(b),
        'CID',
        CID,
        CID_GROUPS.join('-'),
        'yes',
        '',
        `Already obtained on ${OBTAINED_AT}; no activation was used. It could not be saved.`,
      ],
      [dashed(c), 'error', '', '', '', '0x67', 'The product key has been blocked.'],
      ["'=1+2", 'error', '', '', '', '', '3 digits were found.'],
      [
        dashed(d),
        'error',
        '',
        '',
        '',
        '',
        'The request was cancelled before its answer arrived. The request may have reached Microsoft, so an activation may have been used: look in the history before sending it again.',
      ],
      [
        dashed(a),
        'CID',
        CID,
        CID_GROUPS.join('-'),
        'no',
        '',
        'Same Installation ID as entry 1 of the batch; it was asked for once.',
      ],
      [
        dashed(d),
        'not sent',
        '',
        '',
        '',
        '',
        'Not sent: the batch was cancelled before this Installation ID was sent.',
      ],
    ]);
  });

  it('writes each row as one JSON object in the shape of get --json', () => {
    expect(rows.map((row) => JSON.parse(batchRowToJson(row)) as unknown)).toEqual([
      {
        iid: a,
        ok: true,
        pid: DEFAULT_PID,
        cid: CID,
        groups: CID_GROUPS,
        fromHistory: false,
        obtainedAt: OBTAINED_AT,
      },
      {
        iid: b,
        ok: true,
        pid: DEFAULT_PID,
        cid: CID,
        groups: CID_GROUPS,
        fromHistory: true,
        obtainedAt: OBTAINED_AT,
        warning: 'It could not be saved.',
      },
      { iid: c, ok: false, error: errorJson(BLOCKED) },
      {
        iid: '=1+2',
        ok: false,
        error: errorJson(
          rows[3]!.status === 'done' && !rows[3]!.outcome.ok ? rows[3]!.outcome.error : BLOCKED,
        ),
      },
      { iid: d, ok: false, error: errorJson(CANCELLED) },
      {
        iid: a,
        ok: true,
        pid: DEFAULT_PID,
        cid: CID,
        groups: CID_GROUPS,
        fromHistory: false,
        obtainedAt: OBTAINED_AT,
        duplicate: true,
      },
      {
        iid: d,
        ok: false,
        error: {
          kind: 'network',
          code: null,
          message: 'Not sent: the batch was cancelled before this Installation ID was sent.',
          advice: 'No activation was used for it. Run the batch again to ask for it.',
          cause: 'cancelled',
          mayHaveReachedService: false,
        },
      },
    ]);
    expect(batchRowToJson(rows[2]!)).toBe(
      `{"iid":"${c}","ok":false,"error":{"kind":"service","code":"0x67","message":"The product key has been blocked.","advice":"Use another key.","phoneActivation":"no"}}`,
    );
    expect(batchRowToJson(rows[0]!)).not.toContain('\n');
  });
});

describe('demo rows in batchRowsToCsv and batchRowToJson', () => {
  const [a, b, c] = IIDS as [string, string, string];
  const demoRows: BatchRow[] = [
    {
      index: 0,
      iid: a,
      duplicateOf: null,
      status: 'done',
      outcome: success(a, { source: 'simulator' }),
    },
    {
      index: 1,
      iid: b,
      duplicateOf: null,
      status: 'done',
      outcome: success(b, { source: 'simulator', fromHistory: true }),
    },
    { index: 2, iid: c, duplicateOf: null, status: 'done', outcome: failure(CANCELLED) },
    {
      index: 3,
      iid: a,
      duplicateOf: 0,
      status: 'done',
      outcome: success(a, { source: 'simulator' }),
    },
    { index: 4, iid: c, duplicateOf: null, status: 'cancelled' },
  ];
  const demoResult: BatchResult = {
    rows: demoRows,
    summary: { total: 5, obtained: 1, fromHistory: 1, failed: 1, cancelled: 1, duplicates: 1 },
  };
  const messages = (result: BatchResult, options?: { demo?: boolean }) =>
    parseCsv(batchRowsToCsv(result, options))
      .slice(1)
      .map((row) => row[6]);

  it('marks what the simulator answered as the history export does, and not what was never sent', () => {
    expect(messages(demoResult)).toEqual([
      'Demo mode: made up by the built-in simulator.',
      `Demo mode: made up by the built-in simulator. Already obtained on ${OBTAINED_AT}; no activation was used.`,
      // Demo mode never reaches Microsoft: no warning that an activation may have been used.
      'Demo mode: The request was cancelled before its answer arrived.',
      'Demo mode: made up by the built-in simulator. Same Installation ID as entry 1 of the batch; it was asked for once.',
      'Not sent: the batch was cancelled before this Installation ID was sent.',
    ]);
  });

  it("takes the caller's word for a batch without a CID, and a CID's own source over it", () => {
    const errorsOnly: BatchResult = { ...demoResult, rows: [demoRows[2]!] };
    expect(messages(errorsOnly)).toEqual([
      'The request was cancelled before its answer arrived. The request may have reached Microsoft, so an activation may have been used: look in the history before sending it again.',
    ]);
    expect(messages(errorsOnly, { demo: true })).toEqual([
      'Demo mode: The request was cancelled before its answer arrived.',
    ]);
    const service: BatchResult = {
      ...demoResult,
      rows: [
        {
          index: 0,
          iid: a,
          duplicateOf: null,
          status: 'done',
          outcome: success(a, { source: 'service' }),
        },
      ],
    };
    expect(messages(service, { demo: true })).toEqual(['']);
    expect(messages(service)).toEqual(['']);
  });

  it('names the source of each CID in JSON, and adds what the caller adds to every row', () => {
    const lines = demoRows.map((row) => JSON.parse(batchRowToJson(row, { demo: true })) as unknown);
    expect(lines[0]).toEqual({
      iid: a,
      ok: true,
      pid: DEFAULT_PID,
      cid: CID,
      groups: CID_GROUPS,
      fromHistory: false,
      obtainedAt: OBTAINED_AT,
      source: 'simulator',
      demo: true,
    });
    expect(lines[2]).toEqual({ iid: c, ok: false, demo: true, error: errorJson(CANCELLED) });
    expect(lines[3]).toMatchObject({ source: 'simulator', duplicate: true, demo: true });
    expect(lines[4]).toMatchObject({
      iid: c,
      ok: false,
      demo: true,
      error: { cause: 'cancelled' },
    });
    expect(JSON.parse(batchRowToJson(demoRows[0]!))).not.toHaveProperty('demo');
  });
});

describe('runBatch against the local simulator', () => {
  let sim: Simulator;
  beforeAll(async () => {
    // It stands in for Microsoft's service, so its CIDs carry no demo mark.
    sim = await startSimulator({ builtIns: false, identify: false });
  });
  afterAll(async () => {
    await sim.close();
  });

  it('gets 500 CIDs with one request each and writes them to CSV', async () => {
    const iids = Array.from({ length: 500 }, (_, i) =>
      deriveIid(`batch ${i}`, i % 5 === 4 ? 54 : 63),
    );
    const refused = new Map([
      [iids[7]!, '0x67'],
      [iids[250]!, '0x7F'],
    ]);
    for (const [iid, code] of refused) sim.setScenario({ iid }, { kind: 'error', code });
    const service = createActivationService({
      fetch,
      endpoint: new URL(sim.url),
      timeoutMs: 10_000,
      now: () => new Date(OBTAINED_AT),
    });
    let last: BatchEvent | undefined;
    const result = await runBatch(iids, {
      getCid: (iid, signal) => service.getCid({ iid, signal }),
      concurrency: 8,
      onProgress: (event) => {
        last = event;
      },
    });

    expect(sim.requestCount).toBe(500);
    expect(new Set(sim.requests.map((request) => request.iid)).size).toBe(500);
    expect(last).toMatchObject({ status: 'done', finished: 500, total: 500 });
    expect(result.summary).toEqual({
      total: 500,
      obtained: 498,
      fromHistory: 0,
      failed: 2,
      cancelled: 0,
      duplicates: 0,
    });
    for (const row of result.rows) {
      expect(row.status).toBe('done');
      if (row.status !== 'done') continue;
      const code = refused.get(row.iid);
      if (code) expect(row.outcome).toMatchObject({ ok: false, error: { kind: 'service', code } });
      else
        expect(row.outcome).toMatchObject({
          ok: true,
          iid: row.iid,
          cid: simulatedCid(row.iid, DEFAULT_PID),
        });
    }

    const csv = parseCsv(batchRowsToCsv(result));
    expect(csv).toHaveLength(501);
    const expectedOk = (iid: string) => {
      const cid = simulatedCid(iid, DEFAULT_PID);
      const size = iid.length / 9;
      return [
        iid.match(new RegExp(`.{${size}}`, 'g'))!.join('-'),
        'CID',
        cid,
        cid.match(/.{6}/g)!.join('-'),
        'no',
        '',
        '',
      ];
    };
    expect(csv[1]).toEqual(expectedOk(iids[0]!));
    expect(csv[5]).toEqual(expectedOk(iids[4]!));
    expect(csv[500]).toEqual(expectedOk(iids[499]!));
    const blocked = result.rows[7]!;
    expect(csv[8]).toEqual([
      iids[7]!.match(/.{7}/g)!.join('-'),
      'error',
      '',
      '',
      '',
      '0x67',
      blocked.status === 'done' && !blocked.outcome.ok ? blocked.outcome.error.message : 'missing',
    ]);
    expect(csv[8]![6]).toMatch(/blocked/i);
    expect(csv[251]![5]).toBe('0x7F');
  });
});
