import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseCid } from '../../shared/cid';
import type { IidDigits } from '../../shared/iid';
import { DEFAULT_PID, type ExtendedPid } from '../../shared/pid';
import { SAMPLE_BLOCKED, SAMPLE_SUCCESS } from '../../shared/protocol-samples';
import {
  buildEnvelope,
  buildRequestDocument,
  buildSignedRequest,
  REQUEST_HEADERS,
  type ActivationRequest,
} from '../../shared/request';
import { buildInnerResponse, buildSoapFault, buildSoapResponse } from '../../shared/response-xml';
import { SIMULATOR_HEADER } from '../../shared/request';
import { simulatedCid, startSimulator, type Simulator } from './simulator';
import { DEMO_IIDS, DEMO_PIDS, emptyScenarioTable, type DemoName } from './simulator-scenarios';

const KEY = Buffer.from(
  '254 49 152 117 251 72 132 134 156 243 241 206 153 168 144 100 171 87 31 202 71 4 80 88 48 36 226 20 98 135 121 160'
    .split(' ')
    .map(Number),
);

/** Signs any inner document with Node's HMAC, so a test can send what the client never would. */
function envelopeFor(document: string): string {
  const bytes = Buffer.from(document, 'utf16le');
  const digest = createHmac('sha256', KEY).update(bytes).digest('base64');
  return buildEnvelope(digest, bytes.toString('base64'));
}

function cidRequest(iid: string, pid: string = DEFAULT_PID): ActivationRequest {
  return { type: 'cid', pid: pid as ExtendedPid, iid: iid as IidDigits };
}

let sim: Simulator;

beforeEach(async () => {
  sim = await startSimulator();
});
afterEach(async () => {
  await sim.close();
});

async function post(
  body: string,
  headers: Record<string, string> = REQUEST_HEADERS,
  method = 'POST',
): Promise<{ status: number; contentType: string | null; text: string }> {
  const response = await fetch(sim.url, {
    method,
    headers,
    ...(method === 'GET' ? {} : { body }),
  });
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    text: await response.text(),
  };
}

async function ask(request: ActivationRequest) {
  return post((await buildSignedRequest(request)).body);
}

describe('simulator answers', () => {
  it('listens on 127.0.0.1 at the service path', () => {
    expect(sim.url).toBe(`http://127.0.0.1:${sim.port}/BatchActivation/BatchActivation.asmx`);
  });

  it('answers Test vector 1 exactly as the real service did', async () => {
    const answer = await ask(cidRequest(SAMPLE_SUCCESS.iid));
    expect(answer.status).toBe(200);
    expect(answer.contentType).toBe('text/xml; charset=utf-8');
    expect(answer.text).toBe(
      buildSoapResponse(
        buildInnerResponse({
          responseType: 1,
          batchId: SAMPLE_SUCCESS.batchId,
          pid: DEFAULT_PID,
          activationRemaining: '-1',
          iid: SAMPLE_SUCCESS.iid,
          cid: SAMPLE_SUCCESS.cid,
        }),
      ),
    );
    expect(sim.requests[0]).toMatchObject({
      requestType: 1,
      iid: SAMPLE_SUCCESS.iid,
      pid: DEFAULT_PID,
      scenario: 'cid',
      rejected: null,
      response: { status: 200, outcome: 'complete' },
    });
  });

  it('answers the blocked sample with 0x67 and its batch id', async () => {
    const answer = await ask(cidRequest(SAMPLE_BLOCKED.iid));
    expect(answer.text).toBe(
      buildSoapResponse(
        buildInnerResponse({
          responseType: 1,
          batchId: SAMPLE_BLOCKED.batchId,
          pid: DEFAULT_PID,
          iid: SAMPLE_BLOCKED.iid,
          errorCode: '0x67',
        }),
      ),
    );
  });

  it('gives any other valid IID a fixed CID whose check digits are right', async () => {
    const iid = DEMO_IIDS.cid;
    const first = await ask(cidRequest(iid));
    const second = await ask(cidRequest(iid));
    expect(second.text).toBe(first.text);
    const cid = simulatedCid(iid, DEFAULT_PID);
    expect(parseCid(cid).ok).toBe(true);
    expect(cid).not.toBe(simulatedCid(DEMO_IIDS['0x67'], DEFAULT_PID));
    expect(first.text).toContain(`&lt;CID&gt;${cid}&lt;/CID&gt;`);
  });

  it("answers 0x90 for an IID that fails the service's own checks", async () => {
    const broken = `${SAMPLE_SUCCESS.iid.slice(0, 6)}0${SAMPLE_SUCCESS.iid.slice(7)}`;
    const answer = await ask(cidRequest(broken));
    expect(answer.status).toBe(200);
    expect(answer.text).toContain('&lt;ErrorCode&gt;0x90&lt;/ErrorCode&gt;');
    expect(answer.text).not.toContain('&lt;CID&gt;');
  });

  it('answers 0x80131600 for a PID that is not an Extended PID', async () => {
    const answer = await ask(cidRequest(DEMO_IIDS.cid, 'not-a-pid'));
    expect(answer.text).toContain('&lt;ErrorCode&gt;0x80131600&lt;/ErrorCode&gt;');
  });

  it('answers RequestType 2 with a fixed number per PID, or the configured one', async () => {
    const first = await ask({ type: 'remaining', pid: DEFAULT_PID });
    const again = await ask({ type: 'remaining', pid: DEFAULT_PID });
    expect(again.text).toBe(first.text);
    expect(first.text).toMatch(/&lt;ResponseType&gt;2&lt;\/ResponseType&gt;/);
    expect(first.text).toMatch(/&lt;ActivationRemaining&gt;[1-9]\d*&lt;\/ActivationRemaining&gt;/);

    const none = await ask({ type: 'remaining', pid: DEMO_PIDS['none-left'] as ExtendedPid });
    expect(none.text).toContain('&lt;ActivationRemaining&gt;0&lt;/ActivationRemaining&gt;');

    const configured = await startSimulator({ remaining: 42 });
    try {
      const response = await fetch(configured.url, {
        method: 'POST',
        headers: REQUEST_HEADERS,
        body: (await buildSignedRequest({ type: 'remaining', pid: DEFAULT_PID })).body,
      });
      expect(await response.text()).toContain(
        '&lt;ActivationRemaining&gt;42&lt;/ActivationRemaining&gt;',
      );
    } finally {
      await configured.close();
    }
  });

  it('lets setScenario win over the tables, and reset forget it and the log', async () => {
    sim.setScenario({ iid: SAMPLE_SUCCESS.iid }, { kind: 'error', code: '0x71' });
    expect((await ask(cidRequest(SAMPLE_SUCCESS.iid))).text).toContain('0x71');
    expect(sim.requests[0]?.scenario).toBe('0x71');
    sim.reset();
    expect(sim.requestCount).toBe(0);
    expect(sim.requests).toEqual([]);
    expect((await ask(cidRequest(SAMPLE_SUCCESS.iid))).text).toContain(SAMPLE_SUCCESS.cid);
    expect(sim.requestCount).toBe(1);
  });

  it('takes scenarios by PID for both request types', async () => {
    sim.setScenario({ pid: DEFAULT_PID }, { kind: 'error', code: '0xD6' });
    expect((await ask({ type: 'remaining', pid: DEFAULT_PID })).text).toContain('0xD6');
    expect((await ask(cidRequest(DEMO_IIDS.cid))).text).toContain('0xD6');
  });

  it('lets the scenarios option win over the built-in demo IIDs, and builtIns: false drop them', async () => {
    const scenarios = emptyScenarioTable();
    scenarios.iids.set(DEMO_IIDS['0x67'], { kind: 'error', code: '0x7F' });
    const custom = await startSimulator({ scenarios });
    const bare = await startSimulator({ builtIns: false });
    try {
      const body = (await buildSignedRequest(cidRequest(DEMO_IIDS['0x67']))).body;
      const send = async (url: string) =>
        (await fetch(url, { method: 'POST', headers: REQUEST_HEADERS, body })).text();
      expect(await send(custom.url)).toContain('&lt;ErrorCode&gt;0x7F&lt;/ErrorCode&gt;');
      expect(await send(bare.url)).toContain(
        `&lt;CID&gt;${simulatedCid(DEMO_IIDS['0x67'], DEFAULT_PID)}&lt;/CID&gt;`,
      );
      expect(await send(sim.url)).toContain('&lt;ErrorCode&gt;0x67&lt;/ErrorCode&gt;');
    } finally {
      await Promise.all([custom.close(), bare.close()]);
    }
  });

  it('tells onRequest about each request', async () => {
    const seen: string[] = [];
    const logged = await startSimulator({
      onRequest: (entry) => seen.push(`${entry.method} ${entry.scenario}`),
    });
    try {
      await fetch(logged.url, {
        method: 'POST',
        headers: REQUEST_HEADERS,
        body: (await buildSignedRequest(cidRequest(DEMO_IIDS['0x71']))).body,
      }).then((response) => response.text());
      expect(seen).toEqual(['POST 0x71']);
    } finally {
      await logged.close();
    }
  });
});

describe('simulator checks requests like the service', () => {
  const fault = (text: string) =>
    buildSoapFault(text.startsWith('Server ') ? 'soap:Server' : 'soap:Client', text);

  it('refuses a GET with an HTML 405 page, and counts it', async () => {
    const answer = await post('', REQUEST_HEADERS, 'GET');
    expect(answer.status).toBe(405);
    expect(answer.contentType).toBe('text/html; charset=utf-8');
    expect(answer.text).toContain('The HTTP verb GET used to access this page is not allowed.');
    expect(sim.requestCount).toBe(1);
    expect(sim.requests[0]?.rejected).toBe('Method GET is not allowed');
  });

  it('refuses a wrong SOAPAction with a SOAP fault', async () => {
    const body = (await buildSignedRequest(cidRequest(SAMPLE_SUCCESS.iid))).body;
    const answer = await post(body, {
      ...REQUEST_HEADERS,
      SOAPAction: 'http://www.microsoft.com/BatchActivationService/Activate',
    });
    expect(answer.status).toBe(500);
    expect(answer.text).toBe(
      fault(
        'Server did not recognize the value of HTTP Header SOAPAction: http://www.microsoft.com/BatchActivationService/Activate. Expected http://www.microsoft.com/BatchActivationService/BatchActivate.',
      ),
    );
    expect(sim.requestCount).toBe(1);
  });

  it('accepts the SOAPAction in quotes, as SOAP 1.1 writes it', async () => {
    const body = (await buildSignedRequest(cidRequest(SAMPLE_SUCCESS.iid))).body;
    const answer = await post(body, {
      ...REQUEST_HEADERS,
      SOAPAction: `"${REQUEST_HEADERS.SOAPAction}"`,
    });
    expect(answer.status).toBe(200);
  });

  it('refuses another Content-Type', async () => {
    const body = (await buildSignedRequest(cidRequest(SAMPLE_SUCCESS.iid))).body;
    const answer = await post(body, {
      ...REQUEST_HEADERS,
      'Content-Type': 'application/soap+xml; charset=utf-8',
    });
    expect(answer.text).toBe(
      fault(
        'Content-Type "application/soap+xml; charset=utf-8" is not accepted; this service expects text/xml; charset=utf-8.',
      ),
    );
  });

  it('refuses a digest that does not match', async () => {
    const signed = await buildSignedRequest(cidRequest(SAMPLE_SUCCESS.iid));
    const other = await buildSignedRequest(cidRequest(SAMPLE_BLOCKED.iid));
    const answer = await post(buildEnvelope(other.digest, signed.requestXml));
    expect(answer.status).toBe(500);
    expect(answer.text).toBe(
      fault(
        `The Digest does not match the RequestXml: HMAC-SHA256 of the decoded bytes is ${SAMPLE_SUCCESS.digest}, the request says ${other.digest}.`,
      ),
    );
    expect(sim.requests[0]?.rejected).toMatch(/^The Digest does not match/);
  });

  it('refuses a correctly signed document with LF instead of CR LF', async () => {
    const document = buildRequestDocument(cidRequest(SAMPLE_SUCCESS.iid)).replace(/\r\n/g, '\n');
    const answer = await post(envelopeFor(document));
    expect(answer.status).toBe(500);
    // Byte 172 is the low byte of the first line end: CR (0x0D) expected, LF found.
    expect(answer.text).toBe(
      fault('RequestXml differs from the reference layout at byte 172: expected 0x0D, found 0x0A.'),
    );
    expect(sim.requests[0]).toMatchObject({
      requestType: 1,
      iid: SAMPLE_SUCCESS.iid,
      scenario: null,
      response: { status: 500 },
    });
  });

  it('refuses a document with a trailing line end', async () => {
    const document = `${buildRequestDocument(cidRequest(SAMPLE_SUCCESS.iid))}\r\n`;
    const answer = await post(envelopeFor(document));
    expect(answer.text).toContain(
      'RequestXml is 736 bytes long; the reference layout for this PID and IID is 732.',
    );
  });

  it('refuses a document it does not understand, a body that is not XML, and a wrong namespace', async () => {
    expect((await post(envelopeFor('<ActivationRequest/>'))).text).toContain(
      'RequestXml is not an ActivationRequest of RequestType 1 (with PID and IID) or 2 (with PID).',
    );
    expect((await post('IID=123')).text).toContain('The request is not well-formed XML');
    const signed = await buildSignedRequest(cidRequest(SAMPLE_SUCCESS.iid));
    expect(
      (await post(signed.body.replace('BatchActivationService">', 'BatchActivation">'))).text,
    ).toContain(
      'The SOAP Body holds no BatchActivate element in namespace http://www.microsoft.com/BatchActivationService.',
    );
    expect(sim.requestCount).toBe(3);
    expect(sim.requests.every((entry) => entry.response.status === 500)).toBe(true);
  });

  it('answers another path with 404', async () => {
    const response = await fetch(new URL('/other.asmx', sim.url), { method: 'POST' });
    expect(response.status).toBe(404);
    await response.text();
    expect(sim.requests[0]?.rejected).toBe('No service at /other.asmx');
  });
});

describe('simulator names itself', () => {
  /** The simulator's header on one answer; the body is not waited for. */
  async function headerOf(url: string, init: RequestInit): Promise<string | null> {
    const response = await fetch(url, { redirect: 'manual', ...init });
    await response.body?.cancel().catch(() => undefined);
    return response.headers.get(SIMULATOR_HEADER);
  }

  const answered: DemoName[] = [
    'cid',
    '0x67',
    'html-500',
    'html-503',
    'soap-fault',
    'redirect',
    'empty',
    'not-xml',
    'malformed',
    'drip',
    'oversized',
    'reset',
  ];

  it.each(answered)('on the %s answer', async (name) => {
    const signed = await buildSignedRequest(cidRequest(DEMO_IIDS[name]));
    const header = await headerOf(sim.url, {
      method: 'POST',
      headers: REQUEST_HEADERS,
      body: signed.body,
    });
    expect(header).toBe('1');
    expect(sim.requests[0]?.scenario).not.toBeNull();
  });

  it('on answers to requests it refuses, and to RequestType 2', async () => {
    const signed = await buildSignedRequest(cidRequest(SAMPLE_SUCCESS.iid));
    const remaining = await buildSignedRequest({ type: 'remaining', pid: DEFAULT_PID });
    const headers = [
      await headerOf(sim.url, { method: 'GET' }),
      await headerOf(new URL('/other.asmx', sim.url).href, { method: 'POST' }),
      await headerOf(sim.url, {
        method: 'POST',
        headers: { ...REQUEST_HEADERS, SOAPAction: 'wrong' },
        body: signed.body,
      }),
      await headerOf(sim.url, { method: 'POST', headers: REQUEST_HEADERS, body: remaining.body }),
    ];
    expect(headers).toEqual(['1', '1', '1', '1']);
    expect(sim.requests.map((entry) => entry.response.status)).toEqual([405, 404, 500, 200]);
  });

  it('not when a test has it stand in for Microsoft', async () => {
    const standIn = await startSimulator({ identify: false });
    try {
      const signed = await buildSignedRequest(cidRequest(SAMPLE_SUCCESS.iid));
      const header = await headerOf(standIn.url, {
        method: 'POST',
        headers: REQUEST_HEADERS,
        body: signed.body,
      });
      expect(header).toBeNull();
      expect(standIn.requests[0]?.response.status).toBe(200);
    } finally {
      await standIn.close();
    }
  });
});

describe('simulator shutdown', () => {
  it('closes with hanging and dripping connections open', async () => {
    const hang = await buildSignedRequest(cidRequest(DEMO_IIDS.hang));
    const drip = await buildSignedRequest(cidRequest(DEMO_IIDS.drip));
    const pending = [hang, drip].map((signed) =>
      fetch(sim.url, { method: 'POST', headers: REQUEST_HEADERS, body: signed.body }).then(
        (response) => response.text(),
      ),
    );
    await vi.waitFor(() => expect(sim.requests.map((entry) => entry.scenario)).toHaveLength(2));
    await sim.close();
    const settled = await Promise.allSettled(pending);
    expect(settled.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    await vi.waitFor(() =>
      expect(sim.requests.map((entry) => entry.response.outcome)).toEqual(['aborted', 'aborted']),
    );
  });
});
