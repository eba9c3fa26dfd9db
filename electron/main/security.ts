/**
 * The window's guard rails: where it may navigate, what it may open, which permissions it gets.
 * Each decision is a pure function; the install functions only wire them to Electron's objects.
 */
import type { App, Session, WebContents } from 'electron';
import { EXTERNAL_LINKS } from '../../shared/external-links';

export { EXTERNAL_LINKS };

const ALLOWED_EXTERNAL = new Set<string>(Object.values(EXTERNAL_LINKS));

/**
 * The URL to hand to the browser when `raw` is on the allow-list (https, no credentials, no port,
 * no query; a #fragment is kept), otherwise null.
 */
export function allowedExternalUrl(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' || url.username !== '' || url.password !== '') return null;
  if (url.port !== '' || url.search !== '') return null;
  return ALLOWED_EXTERNAL.has(`${url.origin}${url.pathname}`) ? url.href : null;
}

/** What a URL names, for comparing pages: its scheme, host and decoded path; null if unreadable. */
function pageOf(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (url.username !== '' || url.password !== '' || url.port !== '') return null;
  try {
    return `${url.protocol}//${url.host}${decodeURIComponent(url.pathname)}`;
  } catch {
    return null;
  }
}

/**
 * Whether `url` is our own page: the same scheme, host and path as `appUrl`
 * (app://cid-desk/index.html in the app), whatever its #fragment or query. With
 * `caseInsensitive` (Windows and macOS) the path may differ in case: the app:// handler
 * (createAppProtocolHandler) reads the page from the disk, which ignores case there, so
 * app://cid-desk/INDEX.HTML loads the very same page and must be recognised as ours.
 */
export function isAppUrl(url: string, appUrl: string, caseInsensitive = false): boolean {
  const a = pageOf(url);
  const b = pageOf(appUrl);
  if (a === null || b === null) return false;
  return caseInsensitive ? a.toLowerCase() === b.toLowerCase() : a === b;
}

export interface Navigation {
  /** Let the window go there. */
  allow: boolean;
  /** Open this URL in the user's browser instead; null for nothing. */
  openExternal: string | null;
}

/** A page may only navigate within our own page; an allowed link goes to the browser instead. */
export function navigationDecision(
  url: string,
  appUrl: string,
  caseInsensitive = false,
): Navigation {
  if (isAppUrl(url, appUrl, caseInsensitive)) return { allow: true, openExternal: null };
  return { allow: false, openExternal: allowedExternalUrl(url) };
}

/** window.open and target=_blank never make a window; an allowed link goes to the browser. */
export function windowOpenDecision(url: string): Navigation {
  return { allow: false, openExternal: allowedExternalUrl(url) };
}

/** The one permission the window needs: writing the CID to the clipboard. */
export const ALLOWED_PERMISSIONS: ReadonlySet<string> = new Set(['clipboard-sanitized-write']);

/** Grants a permission only when it is on the list and asked for by our own page. */
export function permissionDecision(
  permission: string,
  requestingUrl: string | undefined,
  appUrl: string,
  caseInsensitive = false,
): boolean {
  return (
    ALLOWED_PERMISSIONS.has(permission) &&
    requestingUrl !== undefined &&
    isAppUrl(requestingUrl, appUrl, caseInsensitive)
  );
}

/**
 * Defence in depth beside the page's own meta tag (renderer/index.html), with the same sources:
 * only the app's own files; no frames, no forms, no plugins, no other origins.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "frame-src 'none'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Response headers with our policy added. An existing policy is kept: the browser enforces every
 * policy it is given, so adding one can only narrow what the page may do.
 */
export function withContentSecurityPolicy(
  headers: Record<string, string[]> | undefined,
): Record<string, string[]> {
  const result: Record<string, string[]> = { ...(headers ?? {}) };
  const key =
    Object.keys(result).find((name) => name.toLowerCase() === 'content-security-policy') ??
    'Content-Security-Policy';
  result[key] = [...(result[key] ?? []), CONTENT_SECURITY_POLICY];
  return result;
}

export interface GuardOptions {
  /** The window's page: APP_ENTRY_URL. */
  appUrl: string;
  caseInsensitivePaths: boolean;
  /** Opens an already allow-listed https URL in the user's browser (shell.openExternal). */
  openExternal(url: string): Promise<void>;
  log?: (message: string) => void;
}

function openOutside(url: string | null, options: GuardOptions): void {
  if (url === null) return;
  options.openExternal(url).catch((error: unknown) => {
    options.log?.(`Could not open ${url} in the browser: ${(error as Error).message}`);
  });
}

/** Guards one WebContents: no new windows, no navigation away, no webviews. */
export function guardWebContents(contents: WebContents, options: GuardOptions): void {
  contents.setWindowOpenHandler(({ url }) => {
    openOutside(windowOpenDecision(url).openExternal, options);
    return { action: 'deny' };
  });
  const onNavigate = (event: { url: string; preventDefault(): void }): void => {
    const decision = navigationDecision(event.url, options.appUrl, options.caseInsensitivePaths);
    if (decision.allow) return;
    event.preventDefault();
    openOutside(decision.openExternal, options);
  };
  contents.on('will-navigate', onNavigate);
  contents.on('will-redirect', (event) => {
    if (!isAppUrl(event.url, options.appUrl, options.caseInsensitivePaths)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

/** Guards a session: permissions denied but the clipboard write, policy header on pages. */
export function guardSession(session: Session, options: GuardOptions): void {
  const { appUrl, caseInsensitivePaths } = options;
  session.setPermissionRequestHandler((_contents, permission, callback, details) => {
    callback(permissionDecision(permission, details.requestingUrl, appUrl, caseInsensitivePaths));
  });
  session.setPermissionCheckHandler((_contents, permission, _origin, details) =>
    permissionDecision(permission, details.requestingUrl, appUrl, caseInsensitivePaths),
  );
  // USB, HID and serial devices: never.
  session.setDevicePermissionHandler(() => false);
  session.webRequest.onHeadersReceived((details, callback) => {
    const isPage = details.resourceType === 'mainFrame' || details.resourceType === 'subFrame';
    callback(isPage ? { responseHeaders: withContentSecurityPolicy(details.responseHeaders) } : {});
  });
}

/** Installs every guard: on the session, and on each WebContents as soon as it is created. */
export function installSecurity(
  app: Pick<App, 'on'>,
  session: Session,
  options: GuardOptions,
): void {
  guardSession(session, options);
  app.on('web-contents-created', (_event, contents) => guardWebContents(contents, options));
}
