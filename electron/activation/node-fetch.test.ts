import { createServer, type Server } from 'node:http';
import { connect, createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CidDeskError, Result } from '../../shared/errors';
import type { IidDigits } from '../../shared/iid';
import { DEFAULT_PID } from '../../shared/pid';
import { SAMPLE_SUCCESS } from '../../shared/protocol-samples';
import { sendActivationRequest } from './activation-client';
import { createNodeFetch, proxySettingsFrom, type NodeFetch } from './node-fetch';
import { startSimulator, type Simulator } from '../simulator/simulator';

/** A host name that resolves nowhere: only a proxy can take a request for it anywhere. */
const FAR_HOST = 'activation.cid-desk.test';

interface TestProxy {
  url: string;
  /** What each CONNECT asked for, with its Proxy-Authorization header. */
  tunnels: { target: string; auth: string | null }[];
  close(): Promise<void>;
}

/**
 * A tiny HTTP proxy on 127.0.0.1: it records every CONNECT and tunnels it to the simulator,
 * whatever host was asked for; with `password` set it wants Basic credentials first.
 */
async function startProxy(targetPort: number, password?: string): Promise<TestProxy> {
  const tunnels: TestProxy['tunnels'] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((_req, res) => {
    res.writeHead(501).end();
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('connect', (req, client: Socket, head: Buffer) => {
    const auth = req.headers['proxy-authorization'] ?? null;
    tunnels.push({ target: req.url ?? '', auth });
    if (
      password !== undefined &&
      auth !== `Basic ${Buffer.from(`user:${password}`).toString('base64')}`
    ) {
      client.end(
        'HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test"\r\nContent-Length: 0\r\n\r\n',
      );
      return;
    }
    const upstream = connect(targetPort, '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    tunnels,
    async close() {
      const closed = new Promise((resolve) => server.close(resolve));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}

function failure<T>(result: Result<T>): CidDeskError {
  if (result.ok) throw new Error('expected a failure');
  return result.error;
}

const request = {
  type: 'cid',
  pid: DEFAULT_PID,
  iid: SAMPLE_SUCCESS.iid as IidDigits,
} as const;

let sim: Simulator;
let proxy: TestProxy;
let nodeFetch: NodeFetch | undefined;

beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(async () => {
  await sim.close();
});
beforeEach(async () => {
  sim.reset();
  proxy = await startProxy(sim.port);
});
afterEach(async () => {
  await nodeFetch?.close();
  nodeFetch = undefined;
  await proxy.close();
});

function farEndpoint(protocol = 'http:') {
  return new URL(`${protocol}//${FAR_HOST}/BatchActivation/BatchActivation.asmx`);
}

describe('proxySettingsFrom', () => {
  it('reads both cases, lower case first, and ignores empty values', () => {
    expect(
      proxySettingsFrom({
        HTTPS_PROXY: 'http://upper:1',
        https_proxy: 'http://lower:2',
        HTTP_PROXY: ' ',
        NO_PROXY: 'localhost',
      }),
    ).toEqual({ httpProxy: null, httpsProxy: 'http://lower:2', noProxy: 'localhost' });
  });
});

describe('createNodeFetch', () => {
  it('uses no proxy when none is set', async () => {
    nodeFetch = await createNodeFetch({});
    const result = await sendActivationRequest(request, {
      fetch: nodeFetch,
      endpoint: new URL(sim.url),
      timeoutMs: 5000,
    });
    expect(result.ok).toBe(true);
    expect(proxy.tunnels).toEqual([]);
  });

  it('sends a request for another host through HTTP_PROXY', async () => {
    nodeFetch = await createNodeFetch({ HTTP_PROXY: proxy.url });
    const result = await sendActivationRequest(request, {
      fetch: nodeFetch,
      endpoint: farEndpoint(),
      timeoutMs: 5000,
    });
    expect(result.ok && result.value.type === 'cid' && result.value.cid.digits).toBe(
      SAMPLE_SUCCESS.cid,
    );
    expect(proxy.tunnels).toEqual([{ target: `${FAR_HOST}:80`, auth: null }]);
    expect(sim.requestCount).toBe(1);
    expect(sim.requests[0]?.headers.host).toBe(FAR_HOST);
  });

  it('reads the lower-case variable and a proxy written without a scheme', async () => {
    nodeFetch = await createNodeFetch({ http_proxy: proxy.url.replace('http://', '') });
    const response = await nodeFetch(farEndpoint(), { method: 'GET' });
    expect(response.status).toBe(405);
    await response.text();
    expect(proxy.tunnels).toHaveLength(1);
  });

  it('goes straight to hosts listed in NO_PROXY', async () => {
    nodeFetch = await createNodeFetch({
      HTTP_PROXY: proxy.url,
      NO_PROXY: `example.org, 127.0.0.1`,
    });
    const result = await sendActivationRequest(request, {
      fetch: nodeFetch,
      endpoint: new URL(sim.url),
      timeoutMs: 5000,
    });
    expect(result.ok).toBe(true);
    expect(proxy.tunnels).toEqual([]);
    expect(sim.requestCount).toBe(1);
  });

  it('bypasses the proxy for a NO_PROXY domain, so the far host is looked up directly', async () => {
    nodeFetch = await createNodeFetch({ HTTP_PROXY: proxy.url, no_proxy: '.cid-desk.test' });
    const error = failure(
      await sendActivationRequest(request, {
        fetch: nodeFetch,
        endpoint: farEndpoint(),
        timeoutMs: 5000,
        retryDelayMs: 10,
      }),
    );
    expect(error).toMatchObject({ kind: 'network', cause: 'dns', mayHaveReachedService: false });
    expect(proxy.tunnels).toEqual([]);
    expect(sim.requestCount).toBe(0);
  });

  it('leaves http requests alone when only HTTPS_PROXY is set', async () => {
    nodeFetch = await createNodeFetch({ HTTPS_PROXY: proxy.url });
    const result = await sendActivationRequest(request, {
      fetch: nodeFetch,
      endpoint: new URL(sim.url),
      timeoutMs: 5000,
    });
    expect(result.ok).toBe(true);
    expect(proxy.tunnels).toEqual([]);
  });

  it('sends the credentials in the proxy URL, and a 407 becomes proxy-auth without leaking them', async () => {
    await proxy.close();
    proxy = await startProxy(sim.port, 'right');
    const proxyPort = new URL(proxy.url).port;

    nodeFetch = await createNodeFetch({ HTTP_PROXY: `http://user:right@127.0.0.1:${proxyPort}` });
    expect(
      (
        await sendActivationRequest(request, {
          fetch: nodeFetch,
          endpoint: farEndpoint(),
          timeoutMs: 5000,
        })
      ).ok,
    ).toBe(true);
    await nodeFetch.close();

    nodeFetch = await createNodeFetch({ HTTP_PROXY: `http://user:wrong@127.0.0.1:${proxyPort}` });
    const error = failure(
      await sendActivationRequest(request, {
        fetch: nodeFetch,
        endpoint: farEndpoint(),
        timeoutMs: 5000,
      }),
    );
    expect(error).toMatchObject({
      kind: 'network',
      cause: 'proxy-auth',
      mayHaveReachedService: false,
    });
    expect(JSON.stringify(error)).not.toMatch(/wrong|right/);
    expect(proxy.tunnels.map((tunnel) => tunnel.auth)).toEqual([
      `Basic ${Buffer.from('user:right').toString('base64')}`,
      `Basic ${Buffer.from('user:wrong').toString('base64')}`,
    ]);
    expect(sim.requestCount).toBe(1);
  });

  it('reports a proxy that is not running as a proxy failure, and sends nothing', async () => {
    const idle = createTcpServer();
    await new Promise<void>((resolve) => idle.listen(0, '127.0.0.1', resolve));
    const { port } = idle.address() as AddressInfo;
    await new Promise((resolve) => idle.close(resolve));

    nodeFetch = await createNodeFetch({ HTTPS_PROXY: `http://user:secret@127.0.0.1:${port}` });
    const error = failure(
      await sendActivationRequest(request, {
        fetch: nodeFetch,
        endpoint: farEndpoint('https:'),
        timeoutMs: 5000,
      }),
    );
    expect(error).toMatchObject({ kind: 'network', cause: 'proxy', mayHaveReachedService: false });
    expect(error.detail).toContain(
      `Could not reach the proxy http://***@127.0.0.1:${port} from HTTPS_PROXY (ECONNREFUSED).`,
    );
    expect(JSON.stringify(error)).not.toContain('secret');
  });

  it('turns a proxy variable that is not a URL into a proxy error on use', async () => {
    nodeFetch = await createNodeFetch({ HTTPS_PROXY: 'http://user:pa ss@[bad' });
    const error = failure(
      await sendActivationRequest(request, {
        fetch: nodeFetch,
        endpoint: farEndpoint('https:'),
        timeoutMs: 5000,
      }),
    );
    expect(error).toMatchObject({ kind: 'network', cause: 'proxy', mayHaveReachedService: false });
    expect(error.detail).toContain(
      'HTTPS_PROXY is not a proxy URL such as http://proxy.example:8080.',
    );
    expect(JSON.stringify(error)).not.toContain('pa ss');
  });
});
