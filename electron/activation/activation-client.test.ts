import { readFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ERROR_CATALOG } from '../../shared/error-catalog';
import type { CidDeskError, Result } from '../../shared/errors';
import type { IidDigits } from '../../shared/iid';
import { DEFAULT_PID, type ExtendedPid } from '../../shared/pid';
import { SAMPLE_BLOCKED, SAMPLE_SUCCESS } from '../../shared/protocol-samples';
import type { ActivationRequest } from '../../shared/request';
import { buildInnerResponse, buildSoapResponse } from '../../shared/response-xml';
import {
  MAX_RESPONSE_BYTES,
  resolveEndpoint,
  sendActivationRequest,
  type ActivationFetch,
  type SendOptions,
} from './activation-client';
import { simulatedCid, startSimulator, type Simulator } from '../simulator/simulator';
import { asTheService } from '../test-support/as-the-service';
import { DEMO_IIDS, DEMO_PIDS } from '../simulator/simulator-scenarios';

const NOT_SENT = 'Nothing reached the service, so no activation was used.';

let sim: Simulator;
let host: string;

beforeAll(async () => {
  sim = await startSimulator();
  host = `127.0.0.1:${sim.port}`;
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => {
  sim.reset();
});

function cid(iid: string, pid: string = DEFAULT_PID): ActivationRequest {
  return { type: 'cid', pid: pid as ExtendedPid, iid: iid as IidDigits };
}

function send(request: ActivationRequest, options: Partial<SendOptions> = {}) {
  return sendActivationRequest(request, {
    fetch,
    endpoint: new URL(sim.url),
    timeoutMs: 5000,
    retryDelayMs: 10,
    ...options,
  });
}

function failure<T>(result: Result<T>): CidDeskError {
  if (result.ok) throw new Error(`expected a failure, got ${JSON.stringify(result.value)}`);
  return result.error;
}

/** Wraps a fetch and counts how often the client called it. */
function counting(inner: ActivationFetch = fetch) {
  const calls: string[] = [];
  const counted: ActivationFetch = (input, init) => {
    calls.push(input);
    return inner(input, init);
  };
  return { fetch: counted, calls };
}

async function deadPort(): Promise<number> {
  const server = createTcpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('what goes on the wire', () => {
  it('sends Test vector 1 byte for byte, with the service headers', async () => {
    const result = await send(cid(SAMPLE_SUCCESS.iid));
    const expectedBody = [
      '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">',
      '<soap:Body>',
      '<BatchActivate xmlns="http://www.microsoft.com/BatchActivationService">',
      '<request>',
      `<Digest>${SAMPLE_SUCCESS.digest}</Digest>`,
      `<RequestXml>${SAMPLE_SUCCESS.requestXml}</RequestXml>`,
      '</request>',
      '</BatchActivate>',
      '</soap:Body>',
      '</soap:Envelope>',
    ].join('\r\n');
    expect(sim.requestCount).toBe(1);
    const entry = sim.requests[0]!;
    expect(entry.method).toBe('POST');
    expect(entry.path).toBe('/BatchActivation/BatchActivation.asmx');
    expect(entry.body).toBe(expectedBody);
    expect(entry.bodyLength).toBe(Buffer.byteLength(expectedBody));
    expect(entry.headers['content-length']).toBe(String(Buffer.byteLength(expectedBody)));
    expect(entry.headers['content-type']).toBe('text/xml; charset=utf-8');
    expect(entry.headers.soapaction).toBe(
      'http://www.microsoft.com/BatchActivationService/BatchActivate',
    );
    expect(entry.headers['user-agent']).toBe(
      'Mozilla/4.0 (compatible; MSIE 6.0; MS Web Services Client Protocol 2.0.50727.5420)',
    );
    expect(entry.rejected).toBeNull();
    expect(result).toEqual({
      ok: true,
      value: {
        type: 'cid',
        cid: {
          digits: SAMPLE_SUCCESS.cid,
          groups: ['062722', '477945', '868792', '870895', '165923', '782876', '591463', '700690'],
        },
        pid: DEFAULT_PID,
        activationRemaining: '-1',
        batchId: SAMPLE_SUCCESS.batchId,
      },
      simulated: true,
    });
  });
});

describe('answers from the simulator', () => {
  it('returns a generated CID for any other valid IID', async () => {
    const result = await send(cid(DEMO_IIDS.cid));
    expect(result.ok && result.value.type === 'cid' && result.value.cid.digits).toBe(
      simulatedCid(DEMO_IIDS.cid, DEFAULT_PID),
    );
  });

  it("reports the blocked sample's 0x67", async () => {
    const error = failure(await send(cid(SAMPLE_BLOCKED.iid)));
    expect(error).toMatchObject({ kind: 'service', code: '0x67', mayHaveReachedService: true });
  });

  it.each(ERROR_CATALOG.map((info) => [info.code, info.title] as const))(
    'reports error %s as a service error',
    async (code, title) => {
      const error = failure(await send(cid(DEMO_IIDS[code as keyof typeof DEMO_IIDS])));
      expect(error.kind).toBe('service');
      expect(error.code).toBe(code);
      expect(error.message.startsWith(`${title}. `)).toBe(true);
      expect(sim.requestCount).toBe(1);
    },
  );

  it('reports a code no catalogue knows', async () => {
    const error = failure(await send(cid(DEMO_IIDS['unknown-code'])));
    expect(error).toMatchObject({ kind: 'service', code: '0x99' });
    expect(error.message).toMatch(/^Refused with an unrecognised code \(0x99\)\./);
  });

  it('reads RequestType 2 answers', async () => {
    const remaining = await send({ type: 'remaining', pid: DEFAULT_PID });
    expect(remaining.ok && remaining.value.type === 'remaining').toBe(true);
    const none = await send({ type: 'remaining', pid: DEMO_PIDS['none-left'] as ExtendedPid });
    expect(none).toEqual({
      ok: true,
      value: {
        type: 'remaining',
        pid: DEMO_PIDS['none-left'],
        remaining: 0,
        batchId: expect.any(String),
      },
      simulated: true,
    });
    const blocked = failure(
      await send({ type: 'remaining', pid: DEMO_PIDS.blocked as ExtendedPid }),
    );
    expect(blocked).toMatchObject({ kind: 'service', code: '0x67' });
  });

  it('explains an ASP.NET error page sent with HTTP 500', async () => {
    const error = failure(await send(cid(DEMO_IIDS['html-500'])));
    expect(error.kind).toBe('unexpected-response');
    expect(error.message).toBe(
      'The service answered HTTP 500 Internal Server Error with a web page ("Runtime Error").',
    );
    expect(error.advice).toMatch(/^The activation service is probably down or overloaded\./);
    expect(error.detail).toMatch(/^HTTP 500 Internal Server Error\n<!DOCTYPE html>/);
    expect(error.mayHaveReachedService).toBe(true);
  });

  it('explains HTTP 503 with a web page', async () => {
    const error = failure(await send(cid(DEMO_IIDS['html-503'])));
    expect(error.message).toBe(
      'The service answered HTTP 503 Service Unavailable with a web page.',
    );
    expect(sim.requestCount).toBe(1);
  });

  it('reports a SOAP fault as the fault', async () => {
    const error = failure(await send(cid(DEMO_IIDS['soap-fault'])));
    expect(error.kind).toBe('unexpected-response');
    expect(error.message).toBe(
      'The service reported a SOAP fault: "Server was unable to process request. ---> The activation store did not respond.".',
    );
  });

  it('gives up on a service that never answers, once, and says an activation may be spent', async () => {
    const counted = counting();
    const error = failure(
      await send(cid(DEMO_IIDS.hang), { timeoutMs: 300, fetch: counted.fetch }),
    );
    expect(error).toMatchObject({ kind: 'network', cause: 'timeout', mayHaveReachedService: true });
    expect(error.message).toBe(`No complete answer came from ${host} within 300 ms.`);
    expect(counted.calls).toHaveLength(1);
    expect(sim.requestCount).toBe(1);
    await vi.waitFor(() => expect(sim.requests[0]?.response.outcome).toBe('aborted'));
  });

  it('cancels mid-request and says an activation may be spent', async () => {
    const controller = new AbortController();
    const pending = send(cid(DEMO_IIDS.hang), { signal: controller.signal });
    await vi.waitFor(() => expect(sim.requests[0]?.scenario).toBe('hang'));
    controller.abort();
    const error = failure(await pending);
    expect(error).toMatchObject({
      kind: 'network',
      cause: 'cancelled',
      mayHaveReachedService: true,
    });
    expect(error.message).toBe(`The request was cancelled before its answer arrived.`);
    expect(sim.requestCount).toBe(1);
  });

  it('sends nothing when cancelled before it starts', async () => {
    const controller = new AbortController();
    controller.abort();
    const error = failure(await send(cid(DEMO_IIDS.cid), { signal: controller.signal }));
    expect(error).toMatchObject({ cause: 'cancelled', mayHaveReachedService: false });
    expect(error.message).toBe(`The request was cancelled before it was sent. ${NOT_SENT}`);
    expect(sim.requestCount).toBe(0);
  });

  it('waits for a slow answer that comes within the timeout', async () => {
    sim.setScenario({ iid: DEMO_IIDS.cid }, { kind: 'slow', delayMs: 200 });
    const result = await send(cid(DEMO_IIDS.cid), { timeoutMs: 5000 });
    expect(result.ok).toBe(true);
  });

  it('counts the time spent reading a dripping body against the timeout', async () => {
    sim.setScenario({ iid: DEMO_IIDS.cid }, { kind: 'drip', intervalMs: 20 });
    const error = failure(await send(cid(DEMO_IIDS.cid), { timeoutMs: 1000 }));
    expect(error).toMatchObject({ cause: 'timeout', mayHaveReachedService: true });
    // The headers had arrived and part of the body too: the timeout struck while reading it.
    expect(sim.requests[0]?.response.status).toBe(200);
    expect(sim.requests[0]?.response.bytesSent).toBeGreaterThan(0);
  });

  const tooLarge =
    "The service's answer is larger than 1 MiB, far more than an activation answer; CID Desk stopped reading it.";

  it('stops reading an answer larger than 1 MiB', async () => {
    const error = failure(await send(cid(DEMO_IIDS.oversized)));
    expect(error).toMatchObject({
      kind: 'unexpected-response',
      message: tooLarge,
      mayHaveReachedService: true,
    });
  });

  it('stops reading a 50 MB answer early: the simulator never gets to send it all', async () => {
    const total = 50 * 1024 * 1024;
    sim.setScenario({ iid: DEMO_IIDS.cid }, { kind: 'oversized', bytes: total });
    const error = failure(await send(cid(DEMO_IIDS.cid)));
    expect(error.message).toBe(tooLarge);
    await vi.waitFor(() => expect(sim.requests[0]?.response.outcome).toBe('aborted'));
    expect(sim.requests[0]!.response.bytesSent).toBeLessThan(total);
  });

  it.each([
    ['malformed', /^The service's answer is not well-formed XML: it may have been cut off/],
    ['not-xml', /^The service's answer is not XML\.$/],
    ['empty', /^The service sent an empty answer\.$/],
    ['wrong-iid', /^The answer is for a different Installation ID than the one sent\.$/],
    [
      'bad-check-digit',
      /^The Confirmation ID in the answer fails its check digits, so it was not shown\.$/,
    ],
    ['multiple-responses', /^The answer holds 2 Response elements for one request\.$/],
    [
      'doctype-bomb',
      /^The service's answer declares a DOCTYPE, which the activation service never sends; it was not read\.$/,
    ],
    [
      'external-entity',
      /^The inner activation document declares a DOCTYPE, which the activation service never sends; it was not read\.$/,
    ],
  ] as const)('refuses the %s answer', async (name, message) => {
    const error = failure(await send(cid(DEMO_IIDS[name])));
    expect(error.kind).toBe('unexpected-response');
    expect(error.message).toMatch(message);
    expect(error.mayHaveReachedService).toBe(true);
    expect(sim.requestCount).toBe(1);
  });

  it('does not follow a redirect, and names where it pointed', async () => {
    const counted = counting();
    const error = failure(await send(cid(DEMO_IIDS.redirect), { fetch: counted.fetch }));
    expect(error).toMatchObject({
      kind: 'unexpected-response',
      message:
        'The service answered with a redirect (HTTP 302 Found) to activation.example.net, which CID Desk does not follow.',
      mayHaveReachedService: true,
    });
    expect(counted.calls).toEqual([sim.url]);
  });

  it('reports a connection cut mid-answer as a reset, and does not send again', async () => {
    const counted = counting();
    const error = failure(await send(cid(DEMO_IIDS.reset), { fetch: counted.fetch }));
    expect(error).toMatchObject({ kind: 'network', cause: 'reset', mayHaveReachedService: true });
    expect(error.message).toBe(
      `The connection to ${host} was cut off before a complete answer arrived.`,
    );
    expect(counted.calls).toHaveLength(1);
    expect(sim.requestCount).toBe(1);
  });
});

describe('whether the simulator answered', () => {
  /** A CID, an error code, a web page, a redirect, a cut-off answer and a count. */
  async function askAll(fetchFn: ActivationFetch) {
    const options = { fetch: fetchFn };
    const results = [
      await send(cid(SAMPLE_SUCCESS.iid), options),
      await send(cid(SAMPLE_BLOCKED.iid), options),
      await send(cid(DEMO_IIDS['html-503']), options),
      await send(cid(DEMO_IIDS.redirect), options),
      await send(cid(DEMO_IIDS.reset), options),
      await send({ type: 'remaining', pid: DEFAULT_PID }, options),
    ];
    expect(results.map((result) => result.ok)).toEqual([true, false, false, false, false, true]);
    return results;
  }

  it('is reported with every answer that carries its header, failures included', async () => {
    const results = await askAll(fetch);
    expect(results.map((result) => result.simulated)).toEqual([true, true, true, true, true, true]);
  });

  it('is not reported for the very same answers without the header', async () => {
    const results = await askAll(asTheService);
    expect(results.map((result) => result.simulated)).toEqual([
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
    // Nothing else changed: the CID is read as before.
    expect(results[0]!.ok && results[0]!.value.type === 'cid' && results[0]!.value.cid.digits).toBe(
      SAMPLE_SUCCESS.cid,
    );
  });

  it('is not reported when no answer came at all', async () => {
    const controller = new AbortController();
    controller.abort();
    const results = [
      await send(cid(SAMPLE_SUCCESS.iid), {
        endpoint: new URL(`http://127.0.0.1:${await deadPort()}${new URL(sim.url).pathname}`),
      }),
      await send(cid(SAMPLE_SUCCESS.iid), { signal: controller.signal }),
      await send(cid(DEMO_IIDS.hang), { timeoutMs: 200 }),
    ];
    expect(results.map((result) => [result.ok, result.simulated])).toEqual([
      [false, false],
      [false, false],
      [false, false],
    ]);
  });

  it('is reported for any server that sends the header: its answer then only looks made up', async () => {
    const fake = counting(
      async () =>
        new Response(
          buildSoapResponse(
            buildInnerResponse({
              responseType: 1,
              batchId: SAMPLE_SUCCESS.batchId,
              pid: DEFAULT_PID,
              iid: SAMPLE_SUCCESS.iid,
              cid: SAMPLE_SUCCESS.cid,
            }),
          ),
          { status: 200, headers: { 'x-cid-desk-simulator': 'yes' } },
        ),
    );
    const result = await send(cid(SAMPLE_SUCCESS.iid), { fetch: fake.fetch });
    expect(result).toMatchObject({ ok: true, simulated: true });
  });
});

describe('failures before anything is sent', () => {
  it('retries a refused connection exactly once', async () => {
    const port = await deadPort();
    const counted = counting();
    const error = failure(
      await send(cid(DEMO_IIDS.cid), {
        fetch: counted.fetch,
        endpoint: new URL(`http://127.0.0.1:${port}/BatchActivation/BatchActivation.asmx`),
      }),
    );
    expect(error).toMatchObject({
      kind: 'network',
      cause: 'refused',
      mayHaveReachedService: false,
    });
    expect(error.message).toBe(
      `127.0.0.1:${port} refused the connection (tried twice). ${NOT_SENT}`,
    );
    expect(error.detail).toContain(`ECONNREFUSED 127.0.0.1:${port}`);
    expect(counted.calls).toHaveLength(2);
  });

  it('succeeds when the retry gets through, with a single request at the service', async () => {
    const dead = `http://127.0.0.1:${await deadPort()}/BatchActivation/BatchActivation.asmx`;
    const counted = counting((input, init) =>
      fetch(counted.calls.length === 1 ? dead : input, init),
    );
    const result = await send(cid(SAMPLE_SUCCESS.iid), { fetch: counted.fetch });
    expect(result.ok).toBe(true);
    expect(counted.calls).toHaveLength(2);
    expect(sim.requestCount).toBe(1);
  });

  it('does not retry once the time is up or the caller cancels during the pause', async () => {
    const endpoint = new URL(
      `http://127.0.0.1:${await deadPort()}/BatchActivation/BatchActivation.asmx`,
    );
    const timed = counting();
    const timedOut = failure(
      await send(cid(DEMO_IIDS.cid), {
        fetch: timed.fetch,
        endpoint,
        timeoutMs: 1000,
        retryDelayMs: 10_000,
      }),
    );
    expect(timedOut).toMatchObject({ cause: 'refused', mayHaveReachedService: false });
    expect(timed.calls).toHaveLength(1);

    const controller = new AbortController();
    // Cancelled as soon as the first attempt has failed, so during the pause before the retry.
    const cancelled = counting((input, init) =>
      fetch(input, init).finally(() => setTimeout(() => controller.abort(), 0)),
    );
    const error = failure(
      await send(cid(DEMO_IIDS.cid), {
        fetch: cancelled.fetch,
        endpoint,
        signal: controller.signal,
        retryDelayMs: 10_000,
      }),
    );
    expect(error).toMatchObject({ cause: 'cancelled', mayHaveReachedService: false });
    expect(cancelled.calls).toHaveLength(1);
  });

  it('retries a DNS failure once', async () => {
    const counted = counting();
    const error = failure(
      await send(cid(DEMO_IIDS.cid), {
        fetch: counted.fetch,
        endpoint: new URL(
          'https://activation.cid-desk.invalid/BatchActivation/BatchActivation.asmx',
        ),
      }),
    );
    expect(error).toMatchObject({ kind: 'network', cause: 'dns', mayHaveReachedService: false });
    expect(error.message).toBe(
      `The address of the activation service (activation.cid-desk.invalid) could not be looked up (DNS failure) (tried twice). ${NOT_SENT}`,
    );
    expect(counted.calls).toHaveLength(2);
  });

  it('refuses a server whose certificate cannot be verified, and never sends to it', async () => {
    // Self-signed fixture for 127.0.0.1, made once with:
    // openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 36500
    //   -subj "/CN=CID Desk test server" -addext "subjectAltName=IP:127.0.0.1,DNS:localhost"
    const fixtures = new URL('../test-support/', import.meta.url);
    let requests = 0;
    const server = createHttpsServer(
      {
        cert: readFileSync(new URL('self-signed-cert.pem', fixtures)),
        key: readFileSync(new URL('self-signed-key.pem', fixtures)),
      },
      (_req, res) => {
        requests += 1;
        res.end();
      },
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const counted = counting();
      const error = failure(
        await send(cid(DEMO_IIDS.cid), {
          fetch: counted.fetch,
          endpoint: new URL(`https://127.0.0.1:${port}/BatchActivation/BatchActivation.asmx`),
        }),
      );
      expect(error).toMatchObject({ kind: 'network', cause: 'tls', mayHaveReachedService: false });
      expect(error.message).toBe(
        `The secure connection to 127.0.0.1:${port} could not be verified (DEPTH_ZERO_SELF_SIGNED_CERT). ${NOT_SENT}`,
      );
      expect(error.advice).toContain('CID Desk will not bypass certificate checks.');
      expect(counted.calls).toHaveLength(1);
      expect(requests).toBe(0);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('Electron and Node failures, through a fake fetch', () => {
  const endpoint = new URL(
    'https://activation.sls.microsoft.com/BatchActivation/BatchActivation.asmx',
  );
  const serviceHost = 'activation.sls.microsoft.com';
  const proxyAuthAdvice = `The proxy asks for a password that the CID Desk window cannot give it. Ask your network administrator to let this computer reach ${serviceHost} without proxy authentication. Or run cid-desk get from a terminal with HTTPS_PROXY=http://user:password@proxy:port set; if it is set already, check the user name and password in it.`;

  function throwing(error: unknown) {
    return counting(() => Promise.reject(error));
  }
  const nodeError = (code: string, message = code) =>
    new TypeError('fetch failed', { cause: Object.assign(new Error(message), { code }) });

  it.each([
    ['net::ERR_NAME_NOT_RESOLVED', 'dns', false],
    ['net::ERR_CONNECTION_REFUSED', 'refused', false],
    ['net::ERR_CONNECTION_RESET', 'reset', true],
    ['net::ERR_CONNECTION_CLOSED', 'reset', true],
    ['net::ERR_CERT_AUTHORITY_INVALID', 'tls', false],
    ['net::ERR_CERT_DATE_INVALID', 'tls', false],
    ['net::ERR_SSL_PROTOCOL_ERROR', 'tls', false],
    ['net::ERR_PROXY_CONNECTION_FAILED', 'proxy', false],
    ['net::ERR_TUNNEL_CONNECTION_FAILED', 'proxy', false],
    ['net::ERR_PROXY_AUTH_UNSUPPORTED', 'proxy-auth', false],
    ['net::ERR_PROXY_AUTH_REQUESTED', 'proxy-auth', false],
    ['net::ERR_INTERNET_DISCONNECTED', 'offline', false],
    ['net::ERR_TIMED_OUT', 'timeout', true],
    ['net::ERR_CONNECTION_TIMED_OUT', 'timeout', false],
    ['net::ERR_HTTP2_PROTOCOL_ERROR', 'other', true],
  ] as const)('classifies Electron %s as %s', async (message, cause, reached) => {
    const fake = throwing(new Error(message));
    const error = failure(await send(cid(DEMO_IIDS.cid), { fetch: fake.fetch, endpoint }));
    expect(error).toMatchObject({ kind: 'network', cause, mayHaveReachedService: reached });
    expect(error.detail).toBe(message);
    expect(error.message.endsWith(NOT_SENT)).toBe(!reached);
    expect(fake.calls).toHaveLength(cause === 'dns' || cause === 'refused' ? 2 : 1);
  });

  it.each([
    ['ENOTFOUND', 'dns', false],
    ['EAI_AGAIN', 'dns', false],
    ['ECONNREFUSED', 'refused', false],
    ['ECONNRESET', 'reset', true],
    ['UND_ERR_SOCKET', 'reset', true],
    ['UND_ERR_CONNECT_TIMEOUT', 'timeout', false],
    ['UND_ERR_HEADERS_TIMEOUT', 'timeout', true],
    ['CERT_HAS_EXPIRED', 'tls', false],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'tls', false],
    ['SELF_SIGNED_CERT_IN_CHAIN', 'tls', false],
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'tls', false],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'tls', false],
    ['ENETUNREACH', 'offline', false],
    ['EHOSTUNREACH', 'other', false],
  ] as const)('classifies Node %s as %s', async (code, cause, reached) => {
    const fake = throwing(nodeError(code));
    const error = failure(await send(cid(DEMO_IIDS.cid), { fetch: fake.fetch, endpoint }));
    expect(error).toMatchObject({ kind: 'network', cause, mayHaveReachedService: reached });
    expect(error.detail).toBe(`fetch failed <- ${code}`);
  });

  it('names each cause in words a person can act on', async () => {
    const expectations: [unknown, string, string][] = [
      [
        new Error('net::ERR_CERT_AUTHORITY_INVALID'),
        `The secure connection to ${serviceHost} could not be verified (ERR_CERT_AUTHORITY_INVALID). ${NOT_SENT}`,
        'Something is intercepting the connection: a company proxy or security program that inspects HTTPS, a captive portal, or a wrong date and time on this computer. Check the clock, then ask your network administrator. CID Desk will not bypass certificate checks.',
      ],
      [
        new Error('net::ERR_PROXY_CONNECTION_FAILED'),
        `The proxy could not connect CID Desk to ${serviceHost} (ERR_PROXY_CONNECTION_FAILED). ${NOT_SENT}`,
        "If this network needs a proxy, check the system's proxy settings (for the command line: HTTPS_PROXY, HTTP_PROXY and NO_PROXY). Check that the proxy is running and reachable.",
      ],
      [
        new Error('net::ERR_INTERNET_DISCONNECTED'),
        `This computer is not connected to a network. ${NOT_SENT}`,
        'Connect to the internet and try again.',
      ],
      [
        nodeError('ECONNRESET', 'read ECONNRESET'),
        `The connection to ${serviceHost} was cut off before a complete answer arrived.`,
        'Wait a few minutes before asking again for the same Installation ID: if the service did issue a Confirmation ID, a new request spends another activation.',
      ],
    ];
    for (const [thrown, message, advice] of expectations) {
      const error = failure(
        await send(cid(DEMO_IIDS.cid), { fetch: throwing(thrown).fetch, endpoint }),
      );
      expect(error.message).toBe(message);
      expect(error.advice).toBe(advice);
    }
  });

  it("reads undici's proxy tunnel refusals: 407 as proxy-auth, others as proxy", async () => {
    const tunnel = (status: number) =>
      new TypeError('fetch failed', {
        cause: Object.assign(new Error(`Proxy response (${status}) !== 200 when HTTP Tunneling`), {
          code: 'UND_ERR_ABORTED',
        }),
      });
    const auth = failure(
      await send(cid(DEMO_IIDS.cid), { fetch: throwing(tunnel(407)).fetch, endpoint }),
    );
    expect(auth).toMatchObject({ cause: 'proxy-auth', mayHaveReachedService: false });
    const refused = failure(
      await send(cid(DEMO_IIDS.cid), { fetch: throwing(tunnel(502)).fetch, endpoint }),
    );
    expect(refused).toMatchObject({ cause: 'proxy', mayHaveReachedService: false });
    expect(refused.message).toBe(
      `The proxy could not open a connection to ${serviceHost} (it answered HTTP 502). ${NOT_SENT}`,
    );
  });

  it('treats an unknown failure as one that may have reached the service', async () => {
    const error = failure(
      await send(cid(DEMO_IIDS.cid), {
        fetch: throwing(new Error('something odd')).fetch,
        endpoint,
      }),
    );
    expect(error).toMatchObject({ kind: 'network', cause: 'other', mayHaveReachedService: true });
    expect(error.message).toBe(`The request to ${serviceHost} failed.`);
  });

  it("reads Electron's refusal to follow a redirect", async () => {
    const error = failure(
      await send(cid(DEMO_IIDS.cid), {
        fetch: throwing(new Error('Redirect was cancelled')).fetch,
        endpoint,
      }),
    );
    expect(error).toMatchObject({
      kind: 'unexpected-response',
      message: 'The service answered with a redirect, which CID Desk does not follow.',
      mayHaveReachedService: true,
    });
  });

  it('reports HTTP 407 from a proxy as proxy-auth', async () => {
    const fake = counting(
      async () =>
        new Response('', { status: 407, headers: { 'Proxy-Authenticate': 'Basic realm="corp"' } }),
    );
    const error = failure(await send(cid(DEMO_IIDS.cid), { fetch: fake.fetch, endpoint }));
    expect(error).toMatchObject({
      kind: 'network',
      cause: 'proxy-auth',
      mayHaveReachedService: false,
      detail: 'HTTP 407 Basic realm="corp"',
    });
    expect(error.message).toBe(
      `The proxy between this computer and ${serviceHost} asks for a user name and password (HTTP 407 Proxy Authentication Required). ${NOT_SENT}`,
    );
    // The window cannot answer a proxy's password request, so the advice must not send the user
    // to settings that would not help.
    expect(error.advice).toBe(proxyAuthAdvice);
    expect(fake.calls).toHaveLength(1);
  });

  it("gives the same advice for Chromium's and undici's proxy password requests", async () => {
    const tunnel = new TypeError('fetch failed', {
      cause: Object.assign(new Error('Proxy response (407) !== 200 when HTTP Tunneling'), {
        code: 'UND_ERR_ABORTED',
      }),
    });
    const thrown = [new Error('net::ERR_PROXY_AUTH_REQUESTED'), tunnel];
    for (const error of thrown) {
      const failed = failure(
        await send(cid(DEMO_IIDS.cid), { fetch: throwing(error).fetch, endpoint }),
      );
      expect(failed).toMatchObject({ cause: 'proxy-auth', mayHaveReachedService: false });
      expect(failed.advice).toBe(proxyAuthAdvice);
    }
  });

  it('times out a fetch that ignores its abort signal', async () => {
    const fake = counting(() => new Promise<Response>(() => undefined));
    const error = failure(
      await send(cid(DEMO_IIDS.cid), { fetch: fake.fetch, endpoint, timeoutMs: 50 }),
    );
    expect(error).toMatchObject({ cause: 'timeout', mayHaveReachedService: true });
  });

  it('times out a body that never ends, even if the stream ignores the abort', async () => {
    const fake = counting(
      async () => new Response(new ReadableStream({ pull: () => new Promise(() => undefined) })),
    );
    const error = failure(
      await send(cid(DEMO_IIDS.cid), { fetch: fake.fetch, endpoint, timeoutMs: 50 }),
    );
    expect(error).toMatchObject({ cause: 'timeout', mayHaveReachedService: true });
  });

  it('refuses a declared Content-Length over 1 MiB without reading the body', async () => {
    let pulls = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulls += 1;
        controller.enqueue(new Uint8Array(1024));
      },
    });
    const fake = counting(
      async () =>
        new Response(body, { headers: { 'Content-Length': String(MAX_RESPONSE_BYTES + 1) } }),
    );
    const error = failure(await send(cid(DEMO_IIDS.cid), { fetch: fake.fetch, endpoint }));
    expect(error.message).toMatch(/^The service's answer is larger than 1 MiB/);
    expect(error.detail).toBe(`Content-Length: ${MAX_RESPONSE_BYTES + 1}`);
    expect(pulls).toBeLessThanOrEqual(1);
  });

  it('takes an error code even from a non-200 answer, but never a CID', async () => {
    const answer = (fields: Parameters<typeof buildInnerResponse>[0], status: number) =>
      counting(async () => new Response(buildSoapResponse(buildInnerResponse(fields)), { status }));
    const base = { responseType: 1, batchId: '{b}', pid: DEFAULT_PID, iid: DEMO_IIDS.cid } as const;
    const code = failure(
      await send(cid(DEMO_IIDS.cid), {
        fetch: answer({ ...base, errorCode: '0x80004003' }, 500).fetch,
        endpoint,
      }),
    );
    expect(code).toMatchObject({
      kind: 'service',
      code: '0x80004003',
      mayHaveReachedService: true,
    });
    const withCid = failure(
      await send(cid(DEMO_IIDS.cid), {
        fetch: answer({ ...base, cid: simulatedCid(DEMO_IIDS.cid, DEFAULT_PID) }, 500).fetch,
        endpoint,
      }),
    );
    expect(withCid.message).toBe(
      'The service answered HTTP 500 Internal Server Error with something that is not an activation answer.',
    );
  });

  it('explains a 4xx and an empty error body', async () => {
    const fake = counting(async () => new Response('', { status: 404, statusText: 'Not Found' }));
    const error = failure(await send(cid(DEMO_IIDS.cid), { fetch: fake.fetch, endpoint }));
    expect(error.message).toBe('The service answered HTTP 404 Not Found with an empty body.');
    expect(error.advice).toMatch(/^The service did not accept the request\./);
  });
});

describe('resolveEndpoint', () => {
  it("defaults to Microsoft's service", () => {
    const result = resolveEndpoint(undefined);
    expect(result.ok && result.value.href).toBe(
      'https://activation.sls.microsoft.com/BatchActivation/BatchActivation.asmx',
    );
  });

  it.each([
    'https://activation.example.com/BatchActivation/BatchActivation.asmx',
    'http://127.0.0.1:8080/BatchActivation/BatchActivation.asmx',
    'http://127.9.9.9/x',
    'http://localhost:1234/x',
    'http://[::1]:1234/x',
    '  http://127.0.0.1:8080/x  ',
  ])('accepts %s', (raw) => {
    const result = resolveEndpoint(raw);
    expect(result.ok && result.value.href).toBe(new URL(raw.trim()).href);
  });

  it.each([
    [
      'http://activation.sls.microsoft.com/x',
      /uses plain http to activation\.sls\.microsoft\.com; plain http is only allowed to this computer/,
    ],
    ['http://10.0.0.5/x', /uses plain http to 10\.0\.0\.5/],
    ['http://localhost.example.com/x', /uses plain http to localhost\.example\.com/],
    ['file:///etc/passwd', /uses file:, which cannot reach the activation service/],
    ['ftp://example.com/x', /uses ftp:/],
    ['not a url', /^The endpoint "not a url" is not a URL\.$/],
    ['', /^The endpoint is empty\.$/],
    [
      'https://user:secret@example.com/x',
      /^The endpoint https:\/\/example\.com… contains a user name or password/,
    ],
  ])('refuses %j', (raw, message) => {
    const result = resolveEndpoint(raw);
    if (result.ok) throw new Error('expected a refusal');
    expect(result.error.kind).toBe('invalid-input');
    expect(result.error.message).toMatch(message);
    expect(result.error.message).not.toContain('secret');
  });
});
