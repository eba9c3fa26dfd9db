/**
 * Sends one signed request to the BatchActivation service and turns whatever happens into a
 * value: the answer, the service's error code, or a network or response failure that says
 * whether the request may have reached Microsoft (and so may have spent an activation).
 *
 * The fetch is a parameter: the app passes Electron's net.fetch (Chromium's network stack, the
 * system proxy), the CLI passes Node's fetch. Failures of both are classified.
 */
import { STATUS_CODES } from 'node:http';
import {
  excerpt,
  fail,
  makeError,
  ok,
  printable,
  type CidDeskError,
  type NetworkCause,
  type Result,
} from '../../shared/errors';
import {
  buildSignedRequest,
  REQUEST_HEADERS,
  SERVICE_URL,
  SIMULATOR_HEADER,
  type ActivationRequest,
} from '../../shared/request';
import { parseActivationResponse, type ActivationAnswer } from '../../shared/response';

/** What the client needs of a fetch; Node's fetch and Electron's net.fetch both qualify. */
export type ActivationFetch = (input: string, init: RequestInit) => Promise<Response>;

export interface SendOptions {
  fetch: ActivationFetch;
  endpoint: URL;
  /** Covers the whole exchange, reading the answer included. */
  timeoutMs: number;
  /** Cancels the request; the result then says it may have reached the service. */
  signal?: AbortSignal;
  /** Pause before the single retry of a request that certainly did not reach the service. */
  retryDelayMs?: number;
}

/**
 * What one request came to, and who gave the answer it came to. `simulated` is true when the
 * answer carried the simulator's header (SIMULATOR_HEADER): CID Desk's own simulator made it up,
 * whether in demo mode or as `cid-desk simulate` reached through an endpoint set by hand, so a
 * CID in it is not real. False when no answer arrived at all, or one without the header.
 *
 * Any server can send the header, and one that only claims to be the simulator is taken at its
 * word. That is harmless: its answer is then filed and shown as a demo one, and a demo CID never
 * answers a request to the real service; the worst is a real CID that looks made up. The opposite
 * mistake, a made-up CID filed as real, is the one the header exists to prevent.
 */
export type SentAnswer = Result<ActivationAnswer> & { simulated: boolean };

/** An honest answer is a few kilobytes; anything past this is not read. */
export const MAX_RESPONSE_BYTES = 1024 * 1024;
export const DEFAULT_RETRY_DELAY_MS = 500;

const NOT_SENT = 'Nothing reached the service, so no activation was used.';
const CHECK_CONNECTION = 'Check that this computer is connected to the internet, then try again.';
const PROXY_SETTINGS =
  "If this network needs a proxy, check the system's proxy settings (for the command line: HTTPS_PROXY, HTTP_PROXY and NO_PROXY).";
const WAIT_BEFORE_RETRY =
  'Wait a few minutes before asking again for the same Installation ID: if the service did issue a Confirmation ID, a new request spends another activation.';
const SERVICE_DOWN =
  'The activation service is probably down or overloaded. Wait a few minutes and try again; if it keeps happening, use Microsoft\'s phone activation ("slui 4" on the machine you are activating).';
const SOMETHING_IN_BETWEEN =
  'Something between this computer and Microsoft (a captive portal, a proxy or a filter) may be answering in its place. Sign in to the network if it asks you to, check the proxy settings, then try again.';

const LOOPBACK_NAMES = new Set(['localhost', '[::1]']);

/**
 * The endpoint to send to: the service's own URL when none is given, otherwise an https URL, or
 * plain http only to this computer (the local simulator).
 */
export function resolveEndpoint(raw: string | undefined): Result<URL> {
  if (raw === undefined) return ok(new URL(SERVICE_URL));
  const text = raw.trim();
  const invalid = (why: string) =>
    fail(
      makeError(
        'invalid-input',
        `The endpoint ${why}`,
        `Leave the endpoint unset to use Microsoft's service (${SERVICE_URL}), give an https:// URL, or http://127.0.0.1:PORT/... for the local simulator.`,
      ),
    );
  if (text === '') return invalid('is empty.');
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return invalid(`"${shorten(text)}" is not a URL.`);
  }
  if (url.username !== '' || url.password !== '') {
    // Never repeat a password back, not even in an error message.
    return invalid(
      `${url.protocol}//${url.host}… contains a user name or password; the activation service takes none.`,
    );
  }
  if (url.protocol === 'https:') return ok(url);
  if (url.protocol === 'http:') {
    if (isLoopback(url.hostname)) return ok(url);
    return invalid(
      `"${shorten(url.href)}" uses plain http to ${url.hostname}; plain http is only allowed to this computer (127.0.0.1, ::1 or localhost). Use https://.`,
    );
  }
  return invalid(
    `"${shorten(url.href)}" uses ${url.protocol.replace(/:$/, '')}:, which cannot reach the activation service; only https:// (or http:// to this computer) is allowed.`,
  );
}

/** True for this computer's own addresses: 127.0.0.0/8, ::1 and localhost. */
export function isLoopback(hostname: string): boolean {
  if (LOOPBACK_NAMES.has(hostname)) return true;
  // The URL parser has already turned every IPv4 spelling (127.1, 0x7f.1) into dotted decimal.
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

function shorten(text: string): string {
  return text.length > 120 ? `${text.slice(0, 120)}…` : text;
}

/** What one call knows about how it ended, so an abort can be told apart from a failure. */
interface Exchange {
  controller: AbortController;
  timedOut: boolean;
  cancelled: boolean;
  timeoutMs: number;
  host: string;
  /** 1, or 2 while the single retry is under way. */
  attempt: number;
  /** Set once an answer carrying the simulator's header has arrived. */
  simulated: boolean;
}

/**
 * POSTs a signed request and reads the answer. Never throws. A request that certainly did not
 * reach the service (DNS failure, connection refused) is sent once more after a short pause;
 * nothing that may have reached it is ever repeated, as that could spend a second activation.
 */
export async function sendActivationRequest(
  request: ActivationRequest,
  options: SendOptions,
): Promise<SentAnswer> {
  if (options.signal?.aborted) return { ...fail(cancelledBeforeSending()), simulated: false };
  const signed = await buildSignedRequest(request);
  const exchange: Exchange = {
    controller: new AbortController(),
    timedOut: false,
    cancelled: false,
    timeoutMs: options.timeoutMs,
    host: options.endpoint.host,
    attempt: 1,
    simulated: false,
  };
  const timer = setTimeout(() => {
    exchange.timedOut = true;
    exchange.controller.abort(new Error(`No answer within ${options.timeoutMs} ms`));
  }, options.timeoutMs);
  const onCancel = () => {
    exchange.cancelled = true;
    exchange.controller.abort(new Error('Cancelled by the caller'));
  };
  options.signal?.addEventListener('abort', onCancel, { once: true });

  try {
    const result = await attemptWithRetry(request, signed.body, options, exchange);
    return { ...result, simulated: exchange.simulated };
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onCancel);
  }
}

async function attemptWithRetry(
  request: ActivationRequest,
  body: string,
  options: SendOptions,
  exchange: Exchange,
): Promise<Result<ActivationAnswer>> {
  const first = await attempt(request, body, options, exchange);
  if (first.ok || !worthRetrying(first.error)) return first;
  if (!(await pause(options.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS, exchange.controller.signal))) {
    // Stopped while waiting to retry: still nothing has been sent.
    return fail(exchange.cancelled ? cancelledBeforeSending() : first.error);
  }
  exchange.attempt = 2;
  return attempt(request, body, options, exchange);
}

function worthRetrying(error: CidDeskError): boolean {
  return (
    error.kind === 'network' &&
    error.mayHaveReachedService === false &&
    (error.cause === 'dns' || error.cause === 'refused')
  );
}

async function attempt(
  request: ActivationRequest,
  body: string,
  options: SendOptions,
  exchange: Exchange,
): Promise<Result<ActivationAnswer>> {
  const { signal } = exchange.controller;
  let response: Response;
  try {
    response = await untilAborted(
      options.fetch(options.endpoint.href, {
        method: 'POST',
        headers: { ...REQUEST_HEADERS },
        body,
        redirect: 'manual',
        credentials: 'omit',
        signal,
      }),
      signal,
    );
  } catch (error) {
    if (exchange.timedOut) return fail(timeoutError(exchange));
    if (exchange.cancelled) return fail(cancelledError());
    if (error instanceof Error && error.message === 'Redirect was cancelled') {
      // Electron's net.fetch refuses a redirect in 'manual' mode instead of returning it.
      return fail(redirectError(null, null));
    }
    return fail(classifyFailure(error, exchange, false));
  }

  // Noted before anything else is looked at: whatever this answer comes to, a CID, an error code
  // or a failure, it is the simulator's.
  exchange.simulated = response.headers.has(SIMULATOR_HEADER);
  const status = response.status;
  // The reason phrase and page title are the server's words: shown, so made printable.
  const statusText = printable(response.statusText || STATUS_CODES[status] || '').slice(0, 100);
  if (status === 407) {
    discard(response, exchange);
    return fail(
      networkError(
        'proxy-auth',
        `The proxy between this computer and ${exchange.host} asks for a user name and password (HTTP 407 Proxy Authentication Required).`,
        proxyAuthAdvice(exchange.host),
        `HTTP 407 ${response.headers.get('proxy-authenticate') ?? ''}`.trim(),
        false,
      ),
    );
  }
  if (response.type === 'opaqueredirect' || (status >= 300 && status < 400)) {
    discard(response, exchange);
    const location = response.headers.get('location');
    return fail(
      redirectError(
        status ? `HTTP ${status} ${statusText}`.trim() : null,
        location,
        options.endpoint,
      ),
    );
  }
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > MAX_RESPONSE_BYTES) {
    discard(response, exchange);
    return fail(tooLargeError(`Content-Length: ${declared}`));
  }

  let bytes: Uint8Array | null;
  try {
    bytes = await readCapped(response, signal);
  } catch (error) {
    if (exchange.timedOut) return fail(timeoutError(exchange));
    if (exchange.cancelled) return fail(cancelledError());
    // The answer had begun, so whatever broke, the request did reach the service.
    return fail(classifyFailure(error, exchange, true));
  }
  if (bytes === null) {
    exchange.controller.abort(new Error('Answer too large'));
    return fail(tooLargeError(`more than ${MAX_RESPONSE_BYTES} bytes`));
  }
  const text = new TextDecoder('utf-8').decode(bytes);
  const contentType = response.headers.get('content-type') ?? '';
  const result =
    status === 200
      ? parseActivationResponse(text, request)
      : fail(httpError(status, statusText, contentType, text, request));
  return result.ok ? result : fail({ ...result.error, mayHaveReachedService: true });
}

/** Reads at most MAX_RESPONSE_BYTES; null as soon as the answer passes that. */
async function readCapped(response: Response, signal: AbortSignal): Promise<Uint8Array | null> {
  if (response.body === null) return new Uint8Array(0);
  const reader = response.body.getReader();
  const parts: Uint8Array[] = [];
  let total = 0;
  let finished = false;
  try {
    for (;;) {
      // Raced against the signal: not every fetch ends its body stream when aborted.
      const { done, value } = await untilAborted(reader.read(), signal);
      if (done) {
        finished = true;
        break;
      }
      total += value.byteLength;
      if (total > MAX_RESPONSE_BYTES) return null;
      parts.push(value);
    }
  } finally {
    if (!finished) reader.cancel().catch(() => undefined);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    bytes.set(part, offset);
    offset += part.byteLength;
  }
  return bytes;
}

function discard(response: Response, exchange: Exchange): void {
  response.body?.cancel().catch(() => undefined);
  exchange.controller.abort(new Error('Answer discarded'));
}

function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** Waits, unless the signal fires first; true when the whole pause passed. */
function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function seconds(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  const s = Math.round(ms / 100) / 10;
  return `${s} second${s === 1 ? '' : 's'}`;
}

function networkError(
  cause: NetworkCause,
  message: string,
  advice: string,
  detail: string,
  mayHaveReachedService: boolean,
): CidDeskError {
  return makeError(
    'network',
    // "May have reached" is carried by the flag, which the window and the CLI turn into a
    // warning of their own; "nothing was sent" is reassurance that belongs in the text.
    mayHaveReachedService ? message : `${message} ${NOT_SENT}`,
    advice,
    {
      cause,
      mayHaveReachedService,
      detail: excerpt(detail, 500),
    },
  );
}

function timeoutError(exchange: Exchange): CidDeskError {
  return networkError(
    'timeout',
    `No complete answer came from ${exchange.host} within ${seconds(exchange.timeoutMs)}.`,
    `${WAIT_BEFORE_RETRY} On a slow connection, a longer timeout may help.`,
    `Timed out after ${exchange.timeoutMs} ms`,
    true,
  );
}

function cancelledError(): CidDeskError {
  return networkError(
    'cancelled',
    'The request was cancelled before its answer arrived.',
    WAIT_BEFORE_RETRY,
    'Cancelled while the request was under way',
    true,
  );
}

function cancelledBeforeSending(): CidDeskError {
  return networkError(
    'cancelled',
    'The request was cancelled before it was sent.',
    'Send it again when you are ready.',
    'Cancelled before sending',
    false,
  );
}

/**
 * The window cannot answer a proxy's password request: Chromium takes no Basic credentials from
 * the system's proxy settings, and the app asks for none. The command line can, through the
 * proxy URL (see node-fetch.ts). The text names the variable's shape, never a real password.
 */
function proxyAuthAdvice(host: string): string {
  return `The proxy asks for a password that the CID Desk window cannot give it. Ask your network administrator to let this computer reach ${host} without proxy authentication. Or run cid-desk get from a terminal with HTTPS_PROXY=http://user:password@proxy:port set; if it is set already, check the user name and password in it.`;
}

function redirectError(
  statusLine: string | null,
  location: string | null,
  base?: URL,
): CidDeskError {
  let target = '';
  if (statusLine !== null) {
    let host = 'another address';
    if (location !== null) {
      try {
        host = new URL(location, base).host || host;
      } catch {
        host = 'an address that is not a valid URL';
      }
    }
    target = ` (${statusLine}) to ${host}`;
  }
  return makeError(
    'unexpected-response',
    `The service answered with a redirect${target}, which CID Desk does not follow.`,
    SOMETHING_IN_BETWEEN,
    {
      mayHaveReachedService: true,
      detail: excerpt(
        `${statusLine ?? 'Redirect was cancelled'}${location === null ? '' : `\nLocation: ${location}`}`,
        500,
      ),
    },
  );
}

function tooLargeError(detail: string): CidDeskError {
  return makeError(
    'unexpected-response',
    "The service's answer is larger than 1 MiB, far more than an activation answer; CID Desk stopped reading it.",
    SOMETHING_IN_BETWEEN,
    { mayHaveReachedService: true, detail },
  );
}

function isHtml(text: string, contentType: string): boolean {
  return /^\s*(<!DOCTYPE\s+html|<html)/i.test(text) || /^text\/html\b/i.test(contentType);
}

/** A status other than 200: the SOAP fault or error code if the service gave one, else what came. */
function httpError(
  status: number,
  statusText: string,
  contentType: string,
  text: string,
  request: ActivationRequest,
): CidDeskError {
  const statusLine = `HTTP ${status}${statusText ? ` ${statusText}` : ''}`;
  const html = isHtml(text, contentType);
  if (!html && text.trimStart().startsWith('<')) {
    const parsed = parseActivationResponse(text, request);
    const isFault = /<(\w+:)?Fault[\s>]/.test(text);
    if (!parsed.ok && (parsed.error.kind === 'service' || isFault)) return parsed.error;
  }
  const rawTitle = html ? /<title>([^<]{1,200})<\/title>/i.exec(text)?.[1]?.trim() : undefined;
  const title = rawTitle === undefined ? undefined : printable(rawTitle);
  const what =
    text.trim() === ''
      ? 'an empty body'
      : html
        ? `a web page${title && title.toLowerCase() !== statusText.toLowerCase() ? ` ("${title}")` : ''}`
        : 'something that is not an activation answer';
  return makeError(
    'unexpected-response',
    `The service answered ${statusLine} with ${what}.`,
    status >= 500
      ? SERVICE_DOWN
      : `The service did not accept the request. ${SOMETHING_IN_BETWEEN} If an endpoint was set by hand, check it.`,
    { detail: excerpt(`${statusLine}\n${text}`) },
  );
}

interface LowLevel {
  /** Codes found along the error's cause chain, outermost first: ECONNREFUSED, ERR_NAME_NOT_RESOLVED… */
  codes: string[];
  /** A status a proxy gave when asked to open a tunnel. */
  proxyStatus: number | null;
  detail: string;
}

/** Walks an error and its causes, collecting Node/undici codes and Chromium `net::ERR_*` names. */
function inspect(error: unknown): LowLevel {
  const codes: string[] = [];
  const lines: string[] = [];
  let proxyStatus: number | null = null;
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current !== undefined && current !== null; depth += 1) {
    const node = current as {
      code?: unknown;
      message?: unknown;
      errors?: unknown;
      cause?: unknown;
    };
    const message = typeof node.message === 'string' ? node.message : String(current);
    const code = typeof node.code === 'string' ? node.code : null;
    if (code) codes.push(code);
    for (const match of message.matchAll(/net::(ERR_[A-Z0-9_]+)/g)) codes.push(match[1]!);
    const tunnel = /Proxy response \((\d{3})\)/.exec(message);
    if (tunnel) proxyStatus = Number(tunnel[1]);
    lines.push(code && !message.includes(code) ? `${code}: ${message}` : message);
    const first = Array.isArray(node.errors) ? (node.errors as unknown[])[0] : undefined;
    current = node.cause ?? first;
  }
  return { codes, proxyStatus, detail: lines.join(' <- ') };
}

type Rule = [pattern: RegExp, cause: NetworkCause, mayHaveReachedService: boolean];

/** First match wins; each code is tried against every rule before the next code is looked at. */
const RULES: Rule[] = [
  [
    /^(ENOTFOUND|EAI_AGAIN|EAI_FAIL|EAI_NONAME|EAI_NODATA|ERR_NAME_NOT_RESOLVED|ERR_NAME_RESOLUTION_FAILED|ERR_DNS_[A-Z_]+)$/,
    'dns',
    false,
  ],
  [/^(ECONNREFUSED|ERR_CONNECTION_REFUSED)$/, 'refused', false],
  [/^(ERR_PROXY_AUTH_[A-Z_]+|ERR_UNEXPECTED_PROXY_AUTH)$/, 'proxy-auth', false],
  [
    /^(ERR_PROXY_[A-Z0-9_]+|ERR_TUNNEL_CONNECTION_FAILED|ERR_MANDATORY_PROXY_CONFIGURATION_FAILED|ERR_PAC_[A-Z_]+|ERR_SOCKS_[A-Z_]+|UND_ERR_PRX_TLS)$/,
    'proxy',
    false,
  ],
  [
    /^(ERR_CERT_[A-Z_]+|ERR_SSL_[A-Z0-9_]+|ERR_TLS_[A-Z_]+|ERR_BAD_SSL_CLIENT_AUTH_CERT|ERR_CERTIFICATE_TRANSPARENCY_REQUIRED|CERT_[A-Z_]+|UNABLE_TO_[A-Z_]+|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|HOSTNAME_MISMATCH|EPROTO)$/,
    'tls',
    false,
  ],
  [/^(ERR_INTERNET_DISCONNECTED|ENETUNREACH|ENETDOWN)$/, 'offline', false],
  [/^(UND_ERR_CONNECT_TIMEOUT|ERR_CONNECTION_TIMED_OUT)$/, 'timeout', false],
  [/^(ETIMEDOUT|ERR_TIMED_OUT|UND_ERR_HEADERS_TIMEOUT|UND_ERR_BODY_TIMEOUT)$/, 'timeout', true],
  [
    /^(ECONNRESET|EPIPE|ECONNABORTED|UND_ERR_SOCKET|UND_ERR_CLOSED|ERR_CONNECTION_RESET|ERR_CONNECTION_CLOSED|ERR_CONNECTION_ABORTED|ERR_EMPTY_RESPONSE|ERR_CONTENT_LENGTH_MISMATCH|ERR_INCOMPLETE_CHUNKED_ENCODING)$/,
    'reset',
    true,
  ],
  [/^(ERR_ABORTED|ABORT_ERR)$/, 'cancelled', true],
  [
    /^(EHOSTUNREACH|ERR_ADDRESS_UNREACHABLE|EADDRNOTAVAIL|ERR_NETWORK_ACCESS_DENIED|ERR_BLOCKED_BY_[A-Z_]+|ERR_UNSAFE_PORT|ERR_ACCESS_DENIED)$/,
    'other',
    false,
  ],
];

/** Names the cause of a failed fetch, from Node/undici error codes or Chromium's net errors. */
function classifyFailure(error: unknown, exchange: Exchange, answerStarted: boolean): CidDeskError {
  const low = inspect(error);
  const { host } = exchange;
  const describe = (cause: NetworkCause, reached: boolean, code: string | null) =>
    describeFailure(cause, reached || answerStarted, code, exchange, low.detail);
  if (low.proxyStatus !== null) {
    return low.proxyStatus === 407
      ? networkError(
          'proxy-auth',
          `The proxy between this computer and ${host} asks for a user name and password (HTTP 407 Proxy Authentication Required).`,
          proxyAuthAdvice(host),
          low.detail,
          false,
        )
      : networkError(
          'proxy',
          `The proxy could not open a connection to ${host} (it answered HTTP ${low.proxyStatus}).`,
          `${PROXY_SETTINGS} If they are right, the proxy may not allow connections to Microsoft's activation service; ask your network administrator.`,
          low.detail,
          false,
        );
  }
  for (const code of low.codes) {
    for (const [pattern, cause, reached] of RULES) {
      if (pattern.test(code)) return describe(cause, reached, code);
    }
  }
  if (/\bbad port\b/i.test(low.detail)) {
    return describe('other', false, 'bad port');
  }
  return describe('other', true, null);
}

function describeFailure(
  cause: NetworkCause,
  reached: boolean,
  code: string | null,
  exchange: Exchange,
  detail: string,
): CidDeskError {
  const { host } = exchange;
  const tries = exchange.attempt === 2 ? ' (tried twice)' : '';
  switch (cause) {
    case 'dns':
      return networkError(
        cause,
        `The address of the activation service (${host}) could not be looked up (DNS failure)${tries}.`,
        `${CHECK_CONNECTION} ${PROXY_SETTINGS}`,
        detail,
        reached,
      );
    case 'refused':
      return networkError(
        cause,
        `${host} refused the connection${tries}.`,
        `The service may be down, or a firewall or security program may be blocking CID Desk. ${CHECK_CONNECTION}`,
        detail,
        reached,
      );
    case 'reset':
      return networkError(
        cause,
        `The connection to ${host} was cut off before a complete answer arrived.`,
        WAIT_BEFORE_RETRY,
        detail,
        reached,
      );
    case 'tls':
      return networkError(
        cause,
        `The secure connection to ${host} could not be verified (${code}).`,
        'Something is intercepting the connection: a company proxy or security program that inspects HTTPS, a captive portal, or a wrong date and time on this computer. Check the clock, then ask your network administrator. CID Desk will not bypass certificate checks.',
        detail,
        reached,
      );
    case 'proxy':
      return networkError(
        cause,
        `The proxy could not connect CID Desk to ${host} (${code}).`,
        `${PROXY_SETTINGS} Check that the proxy is running and reachable.`,
        detail,
        reached,
      );
    case 'proxy-auth':
      return networkError(
        cause,
        `The proxy between this computer and ${host} asks for a user name and password (${code}).`,
        proxyAuthAdvice(host),
        detail,
        reached,
      );
    case 'offline':
      return networkError(
        cause,
        'This computer is not connected to a network.',
        'Connect to the internet and try again.',
        detail,
        reached,
      );
    case 'timeout':
      return reached
        ? networkError(
            cause,
            `The connection to ${host} timed out.`,
            WAIT_BEFORE_RETRY,
            detail,
            reached,
          )
        : networkError(
            cause,
            `Could not connect to ${host} in time.`,
            `${CHECK_CONNECTION} ${PROXY_SETTINGS}`,
            detail,
            reached,
          );
    case 'cancelled':
      return networkError(
        cause,
        `The request to ${host} was aborted.`,
        WAIT_BEFORE_RETRY,
        detail,
        reached,
      );
    default:
      return networkError(
        'other',
        `The request to ${host} failed${code ? ` (${code})` : ''}.`,
        reached ? WAIT_BEFORE_RETRY : `${CHECK_CONNECTION} ${PROXY_SETTINGS}`,
        detail,
        reached,
      );
  }
}
