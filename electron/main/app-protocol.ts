/**
 * The window's own scheme, `app://cid-desk/`: the built renderer is served from it instead of
 * file://, so the page is a secure context with an origin of its own, can read no other file on
 * the disk, and the packaged build can turn off the extra privileges Electron grants file:// pages
 * (the grantFileProtocolExtraPrivileges fuse). No Electron import: main.ts registers the handler,
 * and the e2e harness serves the renderer through the same one.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { CONTENT_SECURITY_POLICY } from './security';

export const APP_SCHEME = 'app';
export const APP_HOST = 'cid-desk';
/** The page the window loads. */
export const APP_ENTRY_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/**
 * How Chromium treats the scheme (protocol.registerSchemesAsPrivileged): a standard URL with a
 * real origin, so relative URLs and `'self'` work; a secure context, for the clipboard; module
 * scripts (loaded in CORS mode, as Vite marks them) and fetch allowed; V8's code cache kept.
 */
export const APP_SCHEME_PRIVILEGES = {
  standard: true,
  secure: true,
  supportFetchAPI: true,
  corsEnabled: true,
  codeCache: true,
} as const;

/** The only kinds of file the renderer is built into; anything else is not served. */
const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json; charset=utf-8',
};

/**
 * The file under `root` that an app:// URL names, or null when the URL is not ours or names
 * nothing the window may load: another host, credentials or a port, a path that climbs out of
 * `root` (also by encoded dots or backslashes), a drive letter or stream name (a colon), a NUL,
 * or a kind of file not in the build.
 */
export function resolveAppFile(rawUrl: string, root: string): string | null {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    return null;
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.hostname.toLowerCase() !== APP_HOST) return null;
  if (url.username !== '' || url.password !== '' || url.port !== '') return null;
  let pathname: string;
  try {
    pathname = decodeURIComponent(url.pathname);
  } catch {
    return null;
  }
  if (pathname === '/' || pathname === '') pathname = '/index.html';
  if (/[\0\\:]/.test(pathname)) return null;
  const base = path.resolve(root);
  const file = path.resolve(base, `.${path.posix.normalize(pathname)}`);
  const relative = path.relative(base, file);
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) return null;
  if (!Object.hasOwn(CONTENT_TYPES, path.extname(file).toLowerCase())) return null;
  return file;
}

/** The headers every answer carries: the page's policy and no guessing of content types. */
function headersFor(file: string | null): Headers {
  const headers = new Headers({
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-cache',
  });
  if (file !== null) {
    headers.set('Content-Type', CONTENT_TYPES[path.extname(file).toLowerCase()]!);
  }
  return headers;
}

/** What the handler needs of a request: what Electron's protocol.handle and fetch both give. */
export interface AppRequest {
  url: string;
  method: string;
}

/**
 * The protocol handler for app://: answers GET and HEAD with a file of the built renderer in
 * `root`, 404 for anything it does not serve, 405 for other methods. Never throws.
 */
export function createAppProtocolHandler(root: string): (request: AppRequest) => Promise<Response> {
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      const headers = headersFor(null);
      headers.set('Allow', 'GET, HEAD');
      return new Response(null, { status: 405, headers });
    }
    const file = resolveAppFile(request.url, root);
    if (file !== null) {
      try {
        if ((await stat(file)).isFile()) {
          const body = request.method === 'HEAD' ? null : await readFile(file);
          return new Response(body, { status: 200, headers: headersFor(file) });
        }
      } catch {
        // Missing or unreadable: not found, like any other name the build does not have.
      }
    }
    return new Response(null, { status: 404, headers: headersFor(null) });
  };
}
