/**
 * The fetch the command line uses. Node's own fetch ignores proxy variables, so when HTTPS_PROXY
 * or HTTP_PROXY is set the request goes through undici's EnvHttpProxyAgent instead; undici is
 * loaded only then, so a plain start does not pay for it. TLS verification stays on either way.
 */

type Env = Readonly<Record<string, string | undefined>>;

/** Node's fetch, plus a way to let go of the proxy's connections when done. */
export type NodeFetch = typeof globalThis.fetch & { close(): Promise<void> };

export interface ProxySettings {
  httpProxy: string | null;
  httpsProxy: string | null;
  noProxy: string | null;
}

/** The proxy variables, lower case winning over upper case as curl and undici read them. */
export function proxySettingsFrom(env: Env): ProxySettings {
  const read = (name: string) => {
    const value = env[name.toLowerCase()] ?? env[name.toUpperCase()];
    return value === undefined || value.trim() === '' ? null : value.trim();
  };
  return {
    httpProxy: read('http_proxy'),
    httpsProxy: read('https_proxy'),
    noProxy: read('no_proxy'),
  };
}

interface ProxyTarget {
  /** Which variable it came from, for messages. */
  variable: string;
  url: URL;
}

/** A proxy URL as people write it: `proxy:8080` means `http://proxy:8080`. */
function proxyUrl(variable: string, raw: string): ProxyTarget | string {
  const text = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    // The value may hold a password, so it is not repeated.
    return `${variable} is not a proxy URL such as http://proxy.example:8080.`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return `${variable} names a ${url.protocol.replace(/:$/, '')} proxy (${redact(url)}); only http:// and https:// proxies are supported.`;
  }
  return { variable, url };
}

/** A proxy URL fit for messages: no user name or password. */
function redact(url: URL): string {
  return `${url.protocol}//${url.username || url.password ? '***@' : ''}${url.host}`;
}

function fetchFailure(message: string, code: string, cause?: unknown): TypeError {
  const inner = Object.assign(new Error(message, cause === undefined ? {} : { cause }), { code });
  return new TypeError('fetch failed', { cause: inner });
}

/**
 * A fetch for the command line: Node's own, or, when a proxy variable is set, one that goes
 * through that proxy and honours NO_PROXY. A proxy variable that is not a URL makes every request
 * fail as a proxy error, before anything is sent.
 */
export async function createNodeFetch(env: Env = process.env): Promise<NodeFetch> {
  const settings = proxySettingsFrom(env);
  if (settings.httpProxy === null && settings.httpsProxy === null) {
    const plain: typeof globalThis.fetch = (input, init) => globalThis.fetch(input, init);
    return Object.assign(plain, { close: async () => undefined });
  }

  const http = settings.httpProxy === null ? null : proxyUrl('HTTP_PROXY', settings.httpProxy);
  const https = settings.httpsProxy === null ? null : proxyUrl('HTTPS_PROXY', settings.httpsProxy);
  const broken = [http, https].find((target) => typeof target === 'string');
  if (typeof broken === 'string') {
    const refuse: typeof globalThis.fetch = () =>
      Promise.reject(fetchFailure(broken, 'ERR_MANDATORY_PROXY_CONFIGURATION_FAILED'));
    return Object.assign(refuse, { close: async () => undefined });
  }
  const httpTarget = http as ProxyTarget | null;
  const httpsTarget = https as ProxyTarget | null;

  const undici = await import('undici');
  // Everything is passed explicitly ('' for unset) so undici does not read process.env itself.
  const agent = new undici.EnvHttpProxyAgent({
    httpProxy: httpTarget?.url.href ?? '',
    httpsProxy: httpsTarget?.url.href ?? '',
    noProxy: settings.noProxy ?? '',
  });

  const proxied = async (
    input: Parameters<typeof globalThis.fetch>[0],
    init?: RequestInit,
  ): Promise<Response> => {
    const href = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    try {
      const response = await undici.fetch(href, {
        ...(init as Parameters<typeof undici.fetch>[1]),
        dispatcher: agent,
      });
      return response as unknown as Response;
    } catch (error) {
      // Same fallback as undici: an https request uses HTTP_PROXY when HTTPS_PROXY is unset.
      const target = href.startsWith('https:') ? (httpsTarget ?? httpTarget) : httpTarget;
      throw target ? (proxyConnectionFailure(error, target) ?? error) : error;
    }
  };
  return Object.assign(proxied as typeof globalThis.fetch, { close: () => agent.close() });
}

const CONNECT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/**
 * Undici reports a proxy that cannot be reached exactly like an unreachable service. When the
 * failed connection was to the proxy's own address, say so, in the words Chromium uses.
 */
function proxyConnectionFailure(error: unknown, target: ProxyTarget): TypeError | null {
  const proxyPort = Number(target.url.port || (target.url.protocol === 'https:' ? 443 : 80));
  const proxyHost = target.url.hostname.replace(/^\[|\]$/g, '');
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current !== null && typeof current === 'object'; depth += 1) {
    const node = current as {
      code?: unknown;
      port?: unknown;
      address?: unknown;
      hostname?: unknown;
      cause?: unknown;
    };
    if (typeof node.code === 'string' && CONNECT_CODES.has(node.code)) {
      const toProxy =
        node.hostname === proxyHost ||
        (node.port === proxyPort &&
          (node.address === undefined ||
            node.address === proxyHost ||
            !/^[\d.:]+$/.test(proxyHost)));
      return toProxy
        ? fetchFailure(
            `Could not reach the proxy ${redact(target.url)} from ${target.variable} (${node.code}).`,
            'ERR_PROXY_CONNECTION_FAILED',
            error,
          )
        : null;
    }
    current = node.cause;
  }
  return null;
}
