/**
 * The built renderer served over loopback HTTP through the app:// handler main registers for the
 * Electron window (createAppProtocolHandler): the same files, types and Content-Security-Policy
 * header. Only the transport differs, as Chromium outside Electron loads pages from http and https
 * only. For the end-to-end tests and the benchmarks.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { APP_HOST, APP_SCHEME, createAppProtocolHandler } from '../electron/main/app-protocol';

export interface ServedRenderer {
  /** `http://127.0.0.1:<port>`: the page is `${origin}/index.html`. */
  origin: string;
  close(): Promise<void>;
}

export async function serveRendererOverHttp(root: string): Promise<ServedRenderer> {
  const handle = createAppProtocolHandler(root);
  const server: Server = createServer((request, response) => {
    void (async () => {
      const answer = await handle({
        url: `${APP_SCHEME}://${APP_HOST}${request.url ?? '/'}`,
        method: request.method ?? 'GET',
      });
      response.writeHead(answer.status, Object.fromEntries(answer.headers));
      response.end(answer.body ? Buffer.from(await answer.arrayBuffer()) : undefined);
    })().catch(() => response.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
