/**
 * A batch of 1,000 Installation IDs through the real runner and activation service against the
 * local simulator, with and without a history; and the client's own cost per request, measured
 * against a loopback server that answers at once.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CidOutcome } from '../shared/activation';
import type { IidDigits } from '../shared/iid';
import { DEFAULT_PID, type ExtendedPid } from '../shared/pid';
import { SAMPLE_SUCCESS } from '../shared/protocol-samples';
import { buildSignedRequest, REQUEST_HEADERS } from '../shared/request';
import { buildInnerResponse, buildSoapResponse } from '../shared/response-xml';
import { sendActivationRequest } from '../electron/activation/activation-client';
import {
  createActivationService,
  type ActivationServiceOptions,
} from '../electron/activation/activation-service';
import { runBatch } from '../electron/batch/batch-runner';
import { lazyHistory } from '../electron/history/history-access';
import { simulatedCid, startSimulator } from '../electron/simulator/simulator';
import { deriveIid } from '../electron/simulator/simulator-scenarios';
import { VECTOR_REQUEST, vectorAnswer } from './protocol';
import { msSince, quantile, timeAsync, timing, value, type Figure } from './stats';

const BATCH_SIZE = 1_000;
const CONCURRENCY = 8;
const BATCH_RUNS = 3;
const TIMEOUT_MS = 30_000;

const OVERHEAD_WARM_UP = 300;
const OVERHEAD_SAMPLES = 2_000;
const HISTORY_SAMPLES = 300;

/** Distinct valid 63-digit IIDs, the same on every run. */
function benchIids(count: number, prefix: string): string[] {
  return Array.from({ length: count }, (_, i) => deriveIid(`${prefix} ${i}`));
}

/** The batch against the simulator, then the client's own cost per request. */
export async function benchBatch(): Promise<Figure[]> {
  return [...(await batchAgainstSimulator()), ...(await clientOverhead())];
}

async function batchAgainstSimulator(): Promise<Figure[]> {
  const simulator = await startSimulator({ builtIns: false });
  const iids = benchIids(BATCH_SIZE, 'bench batch');
  const base: ActivationServiceOptions = {
    fetch: (input, init) => fetch(input, init),
    endpoint: new URL(simulator.url),
    timeoutMs: TIMEOUT_MS,
  };
  const figures: Figure[] = [];
  try {
    const plain = createActivationService(base);
    // Warm-up: JIT, the keep-alive pool, the simulator's parsers.
    await runOnce(iids.slice(0, 200), (iid, signal) => plain.getCid({ iid, signal }));

    for (const withHistory of [false, true]) {
      const totals: number[] = [];
      const perRequest: number[] = [];
      for (let run = 0; run < BATCH_RUNS; run += 1) {
        const dir = withHistory ? await mkdtemp(join(tmpdir(), 'cid-desk-bench-batch-')) : null;
        try {
          const service = dir
            ? createActivationService({ ...base, history: lazyHistory(dir).as('service') })
            : plain;
          const before = simulator.requestCount;
          const { total, latencies } = await runOnce(iids, (iid, signal) =>
            service.getCid({ iid, signal }),
          );
          if (simulator.requestCount - before !== BATCH_SIZE) {
            throw new Error(`The batch sent ${simulator.requestCount - before} requests.`);
          }
          totals.push(total);
          perRequest.push(...latencies);
        } finally {
          if (dir) await rm(dir, { recursive: true, force: true });
        }
      }
      const label = withHistory ? 'with history' : 'no history';
      const median = quantile(totals, 0.5);
      figures.push(
        timing('batch', `1,000 IIDs, concurrency ${CONCURRENCY}, ${label}: total`, totals, {
          note: `runs: ${totals.map((t) => `${(t / 1000).toFixed(2)} s`).join(', ')}; client and simulator share this process and its 2 cores`,
        }),
        value(
          'batch',
          `1,000 IIDs, ${label}: requests/s (median run)`,
          BATCH_SIZE / (median / 1000),
          'req/s',
        ),
        timing('batch', `1,000 IIDs, ${label}: one getCid, in the batch`, perRequest, {
          note: `each of ${BATCH_RUNS} x 1,000 requests, start of getCid to its answer, 8 in flight`,
        }),
      );
    }
  } finally {
    await simulator.close();
  }
  return figures;
}

/** Runs one batch and checks every row got its CID. */
async function runOnce(
  iids: string[],
  getCid: (iid: string, signal: AbortSignal) => Promise<CidOutcome>,
): Promise<{ total: number; latencies: number[] }> {
  const latencies: number[] = [];
  const start = process.hrtime.bigint();
  const result = await runBatch(iids, {
    concurrency: CONCURRENCY,
    getCid: async (iid, signal) => {
      const began = process.hrtime.bigint();
      const outcome = await getCid(iid, signal);
      latencies.push(msSince(began));
      return outcome;
    },
  });
  const total = msSince(start);
  if (result.summary.obtained !== iids.length) {
    const failed = result.rows.find((row) => row.status !== 'done' || !row.outcome.ok);
    throw new Error(`A batch row failed: ${JSON.stringify(failed)}`);
  }
  return { total, latencies };
}

/**
 * A loopback server that reads the request and answers with a ready-made success answer for the
 * IID it finds in it: the least a server can do, the same for every caller.
 */
async function instantServer(
  iids: readonly string[],
): Promise<{ url: string; close(): Promise<void> }> {
  const answers = new Map<string, Buffer>();
  const answerFor = (iid: string) => {
    let bytes = answers.get(iid);
    if (!bytes) {
      bytes = Buffer.from(
        iid === SAMPLE_SUCCESS.iid
          ? vectorAnswer()
          : buildSoapResponse(
              buildInnerResponse({
                responseType: 1,
                batchId: '{00000000-0000-4000-8000-000000000000}',
                pid: DEFAULT_PID,
                iid,
                cid: simulatedCid(iid, DEFAULT_PID),
              }),
            ),
        'utf8',
      );
      answers.set(iid, bytes);
    }
    return bytes;
  };
  for (const iid of [SAMPLE_SUCCESS.iid, ...iids]) answerFor(iid);

  const server: Server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (part: Buffer) => parts.push(part));
    req.on('end', () => {
      const body = Buffer.concat(parts).toString('utf8');
      const encoded = /<RequestXml>([^<]*)<\/RequestXml>/.exec(body)?.[1] ?? '';
      const inner = Buffer.from(encoded, 'base64').toString('utf16le');
      const iid = /<IID>(\d+)<\/IID>/.exec(inner)?.[1];
      if (iid === undefined) {
        res.writeHead(400).end();
        return;
      }
      const bytes = answerFor(iid);
      res.writeHead(200, {
        'Content-Type': 'text/xml; charset=utf-8',
        'Content-Length': bytes.length,
      });
      res.end(bytes);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/BatchActivation/BatchActivation.asmx`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * One request at a time, interleaved so drift in the machine's load hits every path alike:
 *   bare     fetch POST of the already-signed Test vector 1 body, read as text (the floor);
 *   client   sendActivationRequest: build + sign + the same fetch + read + parse + check;
 *   service  createActivationService().getCid without history: the above plus input validation.
 * The client's overhead is the paired difference (client - bare) of each round; the server's and
 * the HTTP stack's time cancel out because both paths pay them.
 * Then the service with a history, for new IIDs (each takes the IID's lock, re-reads the history,
 * and appends a record with fsync), against bare fetches of the same IIDs' requests.
 */
async function clientOverhead(): Promise<Figure[]> {
  const historyIids = benchIids(OVERHEAD_WARM_UP + HISTORY_SAMPLES, 'bench overhead');
  const server = await instantServer(historyIids);
  const endpoint = new URL(server.url);
  const fetchFn = (input: string, init: RequestInit) => fetch(input, init);
  const dir = await mkdtemp(join(tmpdir(), 'cid-desk-bench-overhead-'));
  const figures: Figure[] = [];
  try {
    const vectorBody = (await buildSignedRequest(VECTOR_REQUEST)).body;
    const bare = async (body: string) => {
      const response = await fetch(endpoint.href, {
        method: 'POST',
        headers: { ...REQUEST_HEADERS },
        body,
      });
      const text = await response.text();
      if (response.status !== 200 || text.length === 0) throw new Error('Bare fetch failed.');
    };
    const sendOptions = { fetch: fetchFn, endpoint, timeoutMs: TIMEOUT_MS };
    const client = async () => {
      const answer = await sendActivationRequest(VECTOR_REQUEST, sendOptions);
      if (!answer.ok) throw new Error(answer.error.message);
    };
    const plain = createActivationService({ fetch: fetchFn, endpoint, timeoutMs: TIMEOUT_MS });
    const service = async () => {
      const outcome = await plain.getCid({ iid: SAMPLE_SUCCESS.iid });
      if (!outcome.ok) throw new Error(outcome.error.message);
    };

    const samples = { bare: [] as number[], client: [] as number[], service: [] as number[] };
    const diffClient: number[] = [];
    const diffService: number[] = [];
    for (let round = 0; round < OVERHEAD_WARM_UP + OVERHEAD_SAMPLES; round += 1) {
      const b = await timeAsync(() => bare(vectorBody));
      const c = await timeAsync(client);
      const s = await timeAsync(service);
      if (round < OVERHEAD_WARM_UP) continue;
      samples.bare.push(b);
      samples.client.push(c);
      samples.service.push(s);
      diffClient.push(c - b);
      diffService.push(s - b);
    }

    const remembered = createActivationService({
      fetch: fetchFn,
      endpoint,
      timeoutMs: TIMEOUT_MS,
      history: lazyHistory(dir).as('service'),
    });
    const bodies = await Promise.all(
      historyIids.map(
        async (iid) =>
          (
            await buildSignedRequest({
              type: 'cid',
              pid: DEFAULT_PID as ExtendedPid,
              iid: iid as IidDigits,
            })
          ).body,
      ),
    );
    const bareNew: number[] = [];
    const withHistory: number[] = [];
    const diffHistory: number[] = [];
    for (let i = 0; i < historyIids.length; i += 1) {
      const b = await timeAsync(() => bare(bodies[i]!));
      const h = await timeAsync(async () => {
        const outcome = await remembered.getCid({ iid: historyIids[i]! });
        if (!outcome.ok || outcome.fromHistory) throw new Error('Expected a new CID.');
      });
      if (i < OVERHEAD_WARM_UP) continue;
      bareNew.push(b);
      withHistory.push(h);
      diffHistory.push(h - b);
    }

    const target = { max: 1, on: 'median' as const, label: '< 1 ms median' };
    figures.push(
      timing('batch', 'loopback: bare fetch (floor)', samples.bare, {
        note: 'instant server, keep-alive, one request at a time',
      }),
      timing('batch', 'loopback: sendActivationRequest', samples.client),
      timing('batch', 'loopback: service.getCid, no history', samples.service),
      timing('batch', 'client overhead: send - bare (paired)', diffClient, {
        target,
        note: 'build + sign + request setup + timeout/abort wiring + parse + CID check',
      }),
      timing('batch', 'client overhead: getCid - bare (paired)', diffService, { target }),
      timing('batch', 'loopback: service.getCid, with history', withHistory, {
        note: 'new IID each time: lock file, history refresh, append + fdatasync, unlock',
      }),
      timing('batch', 'history bookkeeping: getCid(history) - bare', diffHistory, {
        target,
        note: `${HISTORY_SAMPLES} new IIDs after ${OVERHEAD_WARM_UP} warm-up; bare median here ${(quantile(bareNew, 0.5) * 1000).toFixed(0)} µs`,
      }),
    );
  } finally {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
  return figures;
}
