/**
 * A local stand-in for Microsoft's BatchActivation service, on real HTTP and on 127.0.0.1 only.
 * It checks every request as strictly as the service would (headers, SOAP envelope, digest, the
 * inner document byte for byte) and answers per scenario, so the client, the app's demo mode,
 * the CLI and the tests can exercise every outcome without spending an activation.
 */
import { createHash, createHmac } from 'node:crypto';
import { createServer, STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { chunk, checkDigitFor } from '../../shared/digits';
import { parseIid, type IidDigits } from '../../shared/iid';
import { parsePid, type ExtendedPid } from '../../shared/pid';
import { SAMPLE_BLOCKED, SAMPLE_SUCCESS } from '../../shared/protocol-samples';
import {
  buildRequestDocument,
  encodeUtf16Le,
  SIMULATOR_HEADER,
  SOAP_ACTION,
} from '../../shared/request';
import {
  buildInnerResponse,
  buildSoapFault,
  buildSoapResponse,
  escapeXml,
} from '../../shared/response-xml';
import {
  builtInScenarios,
  deriveIid,
  formatScenario,
  seededDigits,
  type Scenario,
  type ScenarioTable,
} from './simulator-scenarios';

/** Where the service lives on its host; the simulator serves the same path. */
export const SIMULATOR_PATH = '/BatchActivation/BatchActivation.asmx';

const SOAP_ENVELOPE_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
const SERVICE_NS = 'http://www.microsoft.com/BatchActivationService';
const MAX_REQUEST_BYTES = 1024 * 1024;
const KEPT_BODY_CHARS = 64 * 1024;

/**
 * The client key as PROTOCOL.md gives it, kept apart from shared/request.ts on purpose: the
 * simulator checks the client's signature independently instead of trusting the same constant.
 */
const SERVICE_KEY = Buffer.from(
  '254 49 152 117 251 72 132 134 156 243 241 206 153 168 144 100 171 87 31 202 71 4 80 88 48 36 226 20 98 135 121 160'
    .split(' ')
    .map(Number),
);

export interface SimulatorOptions {
  /** Port on 127.0.0.1; 0 or none picks a free one. */
  port?: number;
  /** Scenarios by IID and PID; they win over the built-in demo table. */
  scenarios?: ScenarioTable;
  /** Include the built-in demo IIDs and PIDs (DEMO_IIDS, DEMO_PIDS). Default true. */
  builtIns?: boolean;
  /** Activations left for a PID with no scenario; by default a fixed number derived from the PID. */
  remaining?: number | ((pid: string) => number);
  /** Told about every request once its answer is chosen, e.g. for `cid-desk simulate` to log it. */
  onRequest?: (entry: SimulatorRequest) => void;
  /**
   * Send SIMULATOR_HEADER with every answer (default true). Only tests that need the simulator
   * to stand in for Microsoft's service, so that what it answers is filed as the service's, set
   * this to false; `cid-desk simulate` and demo mode always identify themselves.
   */
  identify?: boolean;
}

export interface SimulatorRequest {
  /** 1-based, in order of arrival. */
  seq: number;
  method: string;
  path: string;
  /** Header names in lower case, as Node reports them. */
  headers: Record<string, string>;
  /** Bytes of the request body. */
  bodyLength: number;
  /** The body as UTF-8 text, up to 64 KiB. */
  body: string;
  requestType: 1 | 2 | null;
  iid: string | null;
  pid: string | null;
  /** The scenario answered, as formatScenario writes it; null when the request was rejected. */
  scenario: string | null;
  /** Why the request was refused (the SOAP faultstring or HTTP reason); null when it was answered. */
  rejected: string | null;
  response: {
    status: number | null;
    /** Body bytes handed to the socket so far. */
    bytesSent: number;
    /** 'aborted' when the connection closed before the whole answer was sent. */
    outcome: 'pending' | 'complete' | 'aborted';
  };
}

export interface Simulator {
  /** The endpoint to POST to, e.g. `http://127.0.0.1:50123/BatchActivation/BatchActivation.asmx`. */
  readonly url: string;
  readonly port: number;
  /** Every request received, rejected ones included. */
  readonly requestCount: number;
  readonly requests: readonly SimulatorRequest[];
  /** Answers this IID or PID with a scenario from now on (null removes it); wins over all tables. */
  setScenario(target: { iid: string } | { pid: string }, scenario: Scenario | null): void;
  /** Forgets the request log, the count and every setScenario. */
  reset(): void;
  /** Stops listening and cuts every open connection, hanging and dripping ones included. */
  close(): Promise<void>;
}

type Fault = { status: number; faultString: string };

type Understood = { type: 1; pid: string; iid: string } | { type: 2; pid: string };

const envelopeParser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  parseAttributeValue: false,
  processEntities: false,
  trimValues: true,
  ignoreDeclaration: true,
});

/** Starts the simulator on 127.0.0.1; rejects only when the port cannot be listened on. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new RangeError(`The simulator's port must be from 0 to 65535, not ${port}.`);
  }
  const builtIns = options.builtIns === false ? null : builtInScenarios();
  const identify = options.identify !== false;
  const overrides: ScenarioTable = { iids: new Map(), pids: new Map() };
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let requests: SimulatorRequest[] = [];
  let requestCount = 0;
  let closed = false;

  const later = (ms: number, run: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (!closed) run();
    }, ms);
    timers.add(timer);
  };

  const lookup = (table: ScenarioTable | undefined | null, understood: Understood) =>
    (understood.type === 1 ? table?.iids.get(understood.iid) : undefined) ??
    table?.pids.get(understood.pid);

  const scenarioFor = (understood: Understood): Scenario =>
    lookup(overrides, understood) ??
    lookup(options.scenarios, understood) ??
    lookup(builtIns, understood) ??
    (understood.type === 1 && understood.iid === SAMPLE_BLOCKED.iid
      ? { kind: 'error', code: SAMPLE_BLOCKED.errorCode }
      : { kind: 'cid' });

  const remainingFor = (pid: string): number => {
    if (typeof options.remaining === 'number') return options.remaining;
    if (typeof options.remaining === 'function') return options.remaining(pid);
    return 1 + (Number(seededDigits(`remaining ${pid}`, 4)) % 999);
  };

  const server = createServer((req, res) => {
    requestCount += 1;
    // Set before any scenario writes its head, so that every answer carries it.
    if (identify) res.setHeader(SIMULATOR_HEADER, '1');
    const entry: SimulatorRequest = {
      seq: requestCount,
      method: req.method ?? '',
      path: req.url ?? '',
      headers: flattenHeaders(req),
      bodyLength: 0,
      body: '',
      requestType: null,
      iid: null,
      pid: null,
      scenario: null,
      rejected: null,
      response: { status: null, bytesSent: 0, outcome: 'pending' },
    };
    requests.push(entry);
    res.on('finish', () => {
      entry.response.outcome = 'complete';
    });
    res.on('close', () => {
      if (entry.response.outcome === 'pending') entry.response.outcome = 'aborted';
    });

    void readBody(req).then((body) => {
      if (closed) return;
      entry.bodyLength = body === null ? MAX_REQUEST_BYTES + 1 : body.length;
      entry.body = body === null ? '' : body.subarray(0, KEPT_BODY_CHARS).toString('utf8');
      const verdict = checkRequest(req, body);
      if ('html' in verdict) {
        entry.rejected = verdict.reason;
        options.onRequest?.(entry);
        send(res, entry, verdict.status, 'text/html; charset=utf-8', verdict.html, {
          ...(verdict.status === 405 ? { Allow: 'POST' } : {}),
        });
        return;
      }
      if ('faultString' in verdict) {
        entry.rejected = verdict.faultString;
        Object.assign(entry, verdict.partial);
        options.onRequest?.(entry);
        sendFault(res, entry, verdict.faultString);
        return;
      }
      const understood = verdict;
      entry.requestType = understood.type;
      entry.pid = understood.pid;
      entry.iid = understood.type === 1 ? understood.iid : null;
      const scenario = scenarioFor(understood);
      entry.scenario = formatScenario(scenario);
      options.onRequest?.(entry);
      answer(res, entry, understood, scenario);
    });
  });

  function answer(
    res: ServerResponse,
    entry: SimulatorRequest,
    request: Understood,
    scenario: Scenario,
  ) {
    const xml = 'text/xml; charset=utf-8';
    const normal = () => normalAnswer(request, scenario, remainingFor(request.pid));
    switch (scenario.kind) {
      case 'hang':
        return;
      case 'slow':
        later(scenario.delayMs, () => send(res, entry, 200, xml, normal()));
        return;
      case 'drip':
        drip(res, entry, Buffer.from(normal(), 'utf8'), scenario.intervalMs);
        return;
      case 'oversized':
        streamOversized(res, entry, scenario.bytes);
        return;
      case 'reset': {
        const body = Buffer.from(normal(), 'utf8');
        res.writeHead(200, { 'Content-Type': xml, 'Content-Length': body.length });
        entry.response.status = 200;
        const half = body.subarray(0, Math.floor(body.length / 2));
        res.write(half, () => {
          entry.response.bytesSent += half.length;
          res.socket?.destroy();
        });
        return;
      }
      case 'html-500':
        send(res, entry, 500, 'text/html; charset=utf-8', aspNetErrorPage());
        return;
      case 'html-503':
        send(res, entry, 503, 'text/html; charset=us-ascii', unavailablePage());
        return;
      case 'soap-fault':
        send(
          res,
          entry,
          500,
          xml,
          buildSoapFault(
            'soap:Server',
            'Server was unable to process request. ---> The activation store did not respond.',
          ),
        );
        return;
      case 'redirect':
        send(res, entry, 302, 'text/html; charset=utf-8', movedPage(REDIRECT_TARGET), {
          Location: REDIRECT_TARGET,
        });
        return;
      case 'empty':
        send(res, entry, 200, xml, '');
        return;
      case 'not-xml':
        send(
          res,
          entry,
          200,
          'text/plain; charset=utf-8',
          'Activation temporarily unavailable. Please retry later.\r\n',
        );
        return;
      case 'malformed': {
        const body = normal();
        send(res, entry, 200, xml, body.slice(0, Math.floor(body.length * 0.6)));
        return;
      }
      case 'doctype-bomb':
        send(res, entry, 200, xml, entityBomb(normal()));
        return;
      default:
        send(res, entry, 200, xml, normal());
    }
  }

  function sendFault(res: ServerResponse, entry: SimulatorRequest, faultString: string) {
    const code = /^Server /.test(faultString) ? 'soap:Server' : 'soap:Client';
    send(res, entry, 500, 'text/xml; charset=utf-8', buildSoapFault(code, faultString));
  }

  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const actualPort = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${actualPort}${SIMULATOR_PATH}`,
    port: actualPort,
    get requestCount() {
      return requestCount;
    },
    get requests() {
      return requests;
    },
    setScenario(target, scenario) {
      const [map, key] =
        'iid' in target ? [overrides.iids, target.iid] : [overrides.pids, target.pid];
      if (scenario === null) map.delete(key);
      else map.set(key, scenario);
    },
    reset() {
      requests = [];
      requestCount = 0;
      overrides.iids.clear();
      overrides.pids.clear();
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await stopped;
    },
  };
}

const REDIRECT_TARGET = 'https://activation.example.net/BatchActivation/BatchActivation.asmx';

function flattenHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

/** The request body, or null once it passes 1 MiB (no honest request comes near that). */
function readBody(req: IncomingMessage): Promise<Buffer | null> {
  return new Promise((resolve) => {
    const parts: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (part: Buffer) => {
      if (done) return;
      size += part.length;
      if (size > MAX_REQUEST_BYTES) {
        done = true;
        resolve(null);
        return;
      }
      parts.push(part);
    });
    req.on('end', () => {
      if (!done) resolve(Buffer.concat(parts));
      done = true;
    });
    req.on('error', () => {
      if (!done) resolve(Buffer.concat(parts));
      done = true;
    });
  });
}

type Verdict =
  | Understood
  | { status: number; html: string; reason: string }
  | (Fault & { partial: Partial<SimulatorRequest> });

/** Everything the service would refuse, in the order an ASMX service notices it. */
function checkRequest(req: IncomingMessage, body: Buffer | null): Verdict {
  const path = (req.url ?? '').split('?')[0];
  if (path !== SIMULATOR_PATH) {
    return {
      status: 404,
      html: plainErrorPage(404, 'The resource cannot be found.'),
      reason: `No service at ${path}`,
    };
  }
  if (req.method !== 'POST') {
    return {
      status: 405,
      html: plainErrorPage(
        405,
        `The HTTP verb ${req.method ?? ''} used to access this page is not allowed.`,
      ),
      reason: `Method ${req.method ?? ''} is not allowed`,
    };
  }
  const fault = (faultString: string, partial: Partial<SimulatorRequest> = {}) => ({
    status: 500,
    faultString,
    partial,
  });

  const contentType = req.headers['content-type'] ?? '';
  if (!/^text\/xml\s*;\s*charset\s*=\s*"?utf-8"?$/i.test(contentType.trim())) {
    return fault(
      `Content-Type "${contentType}" is not accepted; this service expects text/xml; charset=utf-8.`,
    );
  }
  const action = req.headers.soapaction;
  if (action !== SOAP_ACTION && action !== `"${SOAP_ACTION}"`) {
    return fault(
      `Server did not recognize the value of HTTP Header SOAPAction: ${action ?? '(none)'}. Expected ${SOAP_ACTION}.`,
    );
  }
  if (body === null) return fault('The request body is larger than 1 MiB.');

  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    return fault('The request body is not valid UTF-8.');
  }
  if (/<!DOCTYPE/i.test(text))
    return fault('The request declares a DOCTYPE, which is not accepted.');
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    return fault(`The request is not well-formed XML (${valid.err.msg}, line ${valid.err.line}).`);
  }
  const fields = readEnvelope(envelopeParser.parse(text) as Record<string, unknown>);
  if (typeof fields === 'string') return fault(fields);

  const { digest, requestXml } = fields;
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(requestXml) || requestXml.length % 4 !== 0) {
    return fault('RequestXml is not Base64.');
  }
  const bytes = Buffer.from(requestXml, 'base64');
  const expectedDigest = createHmac('sha256', SERVICE_KEY).update(bytes).digest('base64');
  if (digest !== expectedDigest) {
    return fault(
      `The Digest does not match the RequestXml: HMAC-SHA256 of the decoded bytes is ${expectedDigest}, the request says ${digest.slice(0, 60) || '(empty)'}.`,
    );
  }
  if (bytes.length % 2 !== 0)
    return fault('RequestXml decodes to an odd number of bytes; it must be UTF-16LE text.');

  const document = bytes.toString('utf16le');
  const understood = understand(document);
  if (understood === null) {
    return fault(
      'RequestXml is not an ActivationRequest of RequestType 1 (with PID and IID) or 2 (with PID).',
    );
  }
  const partial: Partial<SimulatorRequest> = {
    requestType: understood.type,
    pid: understood.pid,
    iid: understood.type === 1 ? understood.iid : null,
  };
  const reference = encodeUtf16Le(
    buildRequestDocument(
      understood.type === 1
        ? { type: 'cid', pid: understood.pid as ExtendedPid, iid: understood.iid as IidDigits }
        : { type: 'remaining', pid: understood.pid as ExtendedPid },
    ),
  );
  const differs = firstDifference(bytes, reference);
  if (differs !== null) return fault(differs, partial);
  return understood;
}

/** Digest and RequestXml from the SOAP envelope, or what is wrong with it. */
function readEnvelope(
  root: Record<string, unknown>,
): { digest: string; requestXml: string } | string {
  const envelopeKey = Object.keys(root).find((key) => /^(\w+:)?Envelope$/.test(key));
  const envelope = envelopeKey ? root[envelopeKey] : undefined;
  if (
    !envelopeKey ||
    !isObject(envelope) ||
    namespaceOf(envelopeKey, envelope, {}) !== SOAP_ENVELOPE_NS
  ) {
    return `The request is not a SOAP 1.1 envelope (namespace ${SOAP_ENVELOPE_NS}).`;
  }
  const scope = declarations(envelope, {});
  const bodyKey = Object.keys(envelope).find((key) => /^(\w+:)?Body$/.test(key));
  const body = bodyKey ? envelope[bodyKey] : undefined;
  if (!bodyKey || !isObject(body) || namespaceOf(bodyKey, body, scope) !== SOAP_ENVELOPE_NS) {
    return 'The SOAP envelope has no Body.';
  }
  const bodyScope = declarations(body, scope);
  const operationKey = Object.keys(body).find((key) => /^(\w+:)?BatchActivate$/.test(key));
  const operation = operationKey ? body[operationKey] : undefined;
  if (
    !operationKey ||
    !isObject(operation) ||
    namespaceOf(operationKey, operation, bodyScope) !== SERVICE_NS
  ) {
    return `The SOAP Body holds no BatchActivate element in namespace ${SERVICE_NS}.`;
  }
  const request = operation.request;
  if (!isObject(request)) return 'BatchActivate has no request element.';
  const digest = request.Digest;
  const requestXml = request.RequestXml;
  if (typeof digest !== 'string' || digest === '') return 'The request element has no Digest.';
  if (typeof requestXml !== 'string' || requestXml === '')
    return 'The request element has no RequestXml.';
  return { digest, requestXml };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function declarations(
  node: Record<string, unknown>,
  outer: Record<string, string>,
): Record<string, string> {
  const scope = { ...outer };
  for (const [key, value] of Object.entries(node)) {
    if (typeof value !== 'string') continue;
    if (key === '@xmlns') scope[''] = value;
    else if (key.startsWith('@xmlns:')) scope[key.slice(7)] = value;
  }
  return scope;
}

function namespaceOf(
  key: string,
  node: Record<string, unknown>,
  outer: Record<string, string>,
): string | undefined {
  const colon = key.indexOf(':');
  return declarations(node, outer)[colon < 0 ? '' : key.slice(0, colon)];
}

function understand(document: string): Understood | null {
  const type = /<RequestType>([^<]*)<\/RequestType>/.exec(document)?.[1];
  if (type === '1') {
    const match = /<Request><PID>([^<]*)<\/PID><IID>([^<]*)<\/IID><\/Request>/.exec(document);
    return match ? { type: 1, pid: match[1]!, iid: match[2]! } : null;
  }
  if (type === '2') {
    const match = /<Request><PID>([^<]*)<\/PID><\/Request>/.exec(document);
    return match ? { type: 2, pid: match[1]! } : null;
  }
  return null;
}

function firstDifference(actual: Buffer, reference: Uint8Array): string | null {
  const length = Math.min(actual.length, reference.length);
  for (let i = 0; i < length; i += 1) {
    if (actual[i] !== reference[i]) {
      return `RequestXml differs from the reference layout at byte ${i}: expected 0x${hex(reference[i]!)}, found 0x${hex(actual[i]!)}.`;
    }
  }
  if (actual.length !== reference.length) {
    return `RequestXml is ${actual.length} bytes long; the reference layout for this PID and IID is ${reference.length}.`;
  }
  return null;
}

function hex(byte: number): string {
  return byte.toString(16).toUpperCase().padStart(2, '0');
}

/** A Confirmation ID for an IID: 8 groups of 5 digits from a hash, each closed by its check digit. */
export function simulatedCid(iid: string, pid: string): string {
  if (iid === SAMPLE_SUCCESS.iid) return SAMPLE_SUCCESS.cid;
  return chunk(seededDigits(`cid ${iid} ${pid}`, 40), 5)
    .map((group) => group + String(checkDigitFor(group)))
    .join('');
}

function batchIdFor(request: Understood): string {
  if (request.type === 1 && request.iid === SAMPLE_SUCCESS.iid) return SAMPLE_SUCCESS.batchId;
  if (request.type === 1 && request.iid === SAMPLE_BLOCKED.iid) return SAMPLE_BLOCKED.batchId;
  const h = createHash('sha256')
    .update(`batch ${request.type === 1 ? request.iid : ''} ${request.pid}`)
    .digest('hex');
  return `{${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}}`;
}

/** The service's own check of the IID and PID it was sent, before any scenario. */
function serviceVerdict(request: Understood): string | null {
  const pid = parsePid(request.pid);
  if (!pid.ok || pid.value !== request.pid) return '0x80131600';
  if (request.type === 1) {
    const iid = parseIid(request.iid);
    if (!iid.ok || iid.value.digits !== request.iid) return '0x90';
  }
  return null;
}

/** The body of a 200 answer: a CID, a count of activations left, or an error code. */
function normalAnswer(request: Understood, scenario: Scenario, defaultRemaining: number): string {
  const batchId = batchIdFor(request);
  const errorCode =
    serviceVerdict(request) ?? (scenario.kind === 'error' ? scenario.code : undefined);
  const remaining = scenario.kind === 'remaining' ? scenario.remaining : undefined;

  let inner: string;
  if (errorCode !== undefined) {
    inner = buildInnerResponse({
      responseType: request.type,
      batchId,
      pid: request.pid,
      ...(request.type === 1 ? { iid: request.iid } : {}),
      errorCode,
    });
  } else if (request.type === 2) {
    inner = buildInnerResponse({
      responseType: 2,
      batchId,
      pid: request.pid,
      activationRemaining: String(remaining ?? defaultRemaining),
    });
  } else {
    let iid = request.iid;
    let cid = simulatedCid(request.iid, request.pid);
    if (scenario.kind === 'wrong-iid') {
      iid = deriveIid(`another ${request.iid}`, request.iid.length === 54 ? 54 : 63);
      cid = simulatedCid(iid, request.pid);
    }
    if (scenario.kind === 'bad-check-digit') {
      // Group C's check digit moved by one: still 48 digits, but Windows would refuse it.
      const wrong = (Number(cid[17]) + 1) % 7;
      cid = cid.slice(0, 17) + String(wrong) + cid.slice(18);
    }
    inner = buildInnerResponse({
      responseType: 1,
      batchId,
      pid: request.pid,
      activationRemaining: remaining === undefined ? '-1' : String(remaining),
      iid,
      cid,
    });
  }

  if (scenario.kind === 'multiple-responses') {
    const one = inner.slice(inner.indexOf('<Response>'), inner.indexOf('</Responses>'));
    inner = inner.replace('</Responses>', `${one}</Responses>`);
  }
  if (scenario.kind === 'external-entity') {
    inner = inner
      .replace(
        '<ActivationResponse ',
        '<!DOCTYPE ActivationResponse [<!ENTITY batch SYSTEM "file:///etc/hostname">]>\r\n<ActivationResponse ',
      )
      .replace(`<BatchId>${batchId}</BatchId>`, '<BatchId>&batch;</BatchId>');
  }
  return buildSoapResponse(inner);
}

/** The classic exponential-entity document: ten levels of ten, a billion copies if expanded. */
function entityBomb(answer: string): string {
  const entities = ['<!ENTITY lol0 "lol">'];
  for (let level = 1; level <= 9; level += 1) {
    entities.push(`<!ENTITY lol${level} "${`&lol${level - 1};`.repeat(10)}">`);
  }
  const declaration = '<?xml version="1.0" encoding="utf-8"?>';
  return (
    declaration +
    `<!DOCTYPE soap:Envelope [${entities.join('')}]>` +
    answer.slice(declaration.length).replace('<ResponseXml>', '<ResponseXml>&lol9;')
  );
}

function send(
  res: ServerResponse,
  entry: SimulatorRequest,
  status: number,
  contentType: string,
  body: string,
  headers: Record<string, string> = {},
) {
  const bytes = Buffer.from(body, 'utf8');
  entry.response.status = status;
  res.writeHead(status, STATUS_CODES[status], {
    'Content-Type': contentType,
    'Content-Length': bytes.length,
    'Cache-Control': 'private',
    ...headers,
  });
  res.end(bytes, () => {
    entry.response.bytesSent += bytes.length;
  });
}

/** Headers at once, then the body one byte per interval. */
function drip(res: ServerResponse, entry: SimulatorRequest, body: Buffer, intervalMs: number) {
  entry.response.status = 200;
  res.writeHead(200, { 'Content-Type': 'text/xml; charset=utf-8', 'Content-Length': body.length });
  res.flushHeaders();
  let next = 0;
  const timer = setInterval(() => {
    if (res.destroyed || next >= body.length) {
      clearInterval(timer);
      if (!res.destroyed) res.end();
      return;
    }
    res.write(body.subarray(next, next + 1));
    next += 1;
    entry.response.bytesSent = next;
  }, intervalMs);
  res.on('close', () => clearInterval(timer));
}

/** A 200 answer of `total` bytes, written as the client reads it, never held in memory. */
function streamOversized(res: ServerResponse, entry: SimulatorRequest, total: number) {
  entry.response.status = 200;
  // No Content-Length: the client must notice the size while reading, not from a header.
  res.writeHead(200, { 'Content-Type': 'text/xml; charset=utf-8' });
  const head = Buffer.from(
    `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="${SOAP_ENVELOPE_NS}"><soap:Body><!-- `,
  );
  const tail = Buffer.from(' --></soap:Body></soap:Envelope>');
  const filler = Buffer.alloc(64 * 1024, 'x');
  let remaining = total;
  const write = (part: Buffer) => {
    const piece = part.subarray(0, Math.min(part.length, remaining));
    remaining -= piece.length;
    entry.response.bytesSent += piece.length;
    return res.write(piece);
  };
  const pump = () => {
    while (remaining > 0 && !res.destroyed) {
      const wrote =
        entry.response.bytesSent === 0
          ? write(head)
          : remaining <= tail.length
            ? write(tail.subarray(tail.length - remaining))
            : write(filler.subarray(0, Math.min(filler.length, remaining - tail.length)));
      if (!wrote) {
        res.once('drain', pump);
        return;
      }
    }
    if (!res.destroyed) res.end();
  };
  pump();
}

function aspNetErrorPage(): string {
  return [
    '<!DOCTYPE html>',
    '<html>',
    '<head><title>Runtime Error</title></head>',
    '<body>',
    "<h1>Server Error in '/BatchActivation' Application.</h1>",
    '<h2><i>Runtime Error</i></h2>',
    '<p><b>Description:</b> An application error occurred on the server. The details of this error are hidden from remote clients.</p>',
    '</body>',
    '</html>',
  ].join('\r\n');
}

function unavailablePage(): string {
  return [
    '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01//EN" "http://www.w3.org/TR/html4/strict.dtd">',
    '<HTML><HEAD><TITLE>Service Unavailable</TITLE>',
    '<META HTTP-EQUIV="Content-Type" Content="text/html; charset=us-ascii"></HEAD>',
    '<BODY><h2>Service Unavailable</h2>',
    '<hr><p>HTTP Error 503. The activation service is temporarily unavailable.</p>',
    '</BODY></HTML>',
  ].join('\r\n');
}

function movedPage(location: string): string {
  return `<html><head><title>Object moved</title></head><body><h2>Object moved to <a href="${escapeXml(location)}">here</a>.</h2></body></html>`;
}

function plainErrorPage(status: number, text: string): string {
  const reason = STATUS_CODES[status] ?? 'Error';
  return `<!DOCTYPE html>\r\n<html><head><title>${status} ${reason}</title></head><body><h1>${status} ${reason}</h1><p>${escapeXml(text)}</p></body></html>`;
}
