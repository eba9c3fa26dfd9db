import type { App, Session, WebContents } from 'electron';
import { describe, expect, it } from 'vitest';
import {
  allowedExternalUrl,
  CONTENT_SECURITY_POLICY,
  EXTERNAL_LINKS,
  guardSession,
  guardWebContents,
  installSecurity,
  isAppUrl,
  navigationDecision,
  permissionDecision,
  windowOpenDecision,
  withContentSecurityPolicy,
  type GuardOptions,
} from './security';
import { APP_ENTRY_URL } from './app-protocol';

const APP_URL = APP_ENTRY_URL;
const VAMT = EXTERNAL_LINKS.proxyActivationVamt;

describe('allowedExternalUrl', () => {
  it('allows every listed page, with or without a #fragment', () => {
    for (const url of Object.values(EXTERNAL_LINKS)) {
      expect(url.startsWith('https://')).toBe(true);
      expect(allowedExternalUrl(url)).toBe(url);
    }
    expect(allowedExternalUrl(`${EXTERNAL_LINKS.officeActivation}#the-osppvbs-script`)).toBe(
      `${EXTERNAL_LINKS.officeActivation}#the-osppvbs-script`,
    );
  });

  it('returns the normalised URL that was checked, not the raw text', () => {
    expect(allowedExternalUrl(`  HTTPS://LEARN.MICROSOFT.COM${new URL(VAMT).pathname}`)).toBe(VAMT);
  });

  it('refuses anything else, however close', () => {
    for (const url of [
      VAMT.replace('https:', 'http:'),
      `${VAMT}/`,
      `${VAMT}?ref=1`,
      VAMT.replace('learn.microsoft.com', 'learn.microsoft.com:8443'),
      VAMT.replace('https://', 'https://user:pw@'),
      VAMT.replace('learn.microsoft.com', 'learn.microsoft.com.evil.example'),
      VAMT.replace('/proxy-activation-vamt', '/PROXY-ACTIVATION-VAMT'),
      'https://learn.microsoft.com/',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'ms-settings:activation',
      'not a url',
      '',
    ]) {
      expect(allowedExternalUrl(url), url).toBeNull();
    }
  });
});

describe('isAppUrl', () => {
  it('matches our page by scheme, host and path only', () => {
    expect(APP_URL).toBe('app://cid-desk/index.html');
    expect(isAppUrl(APP_URL, APP_URL)).toBe(true);
    expect(isAppUrl(`${APP_URL}#/history`, APP_URL)).toBe(true);
    expect(isAppUrl(`${APP_URL}?a=1`, APP_URL)).toBe(true);
    for (const other of [
      'app://cid-desk/x.html',
      'app://cid-desk/',
      'app://evil.example/index.html',
      'app://cid-desk:8080/index.html',
      'app://user@cid-desk/index.html',
      'https://cid-desk/index.html',
      // The page as file:// loaded it before the app had a scheme of its own.
      'file:///opt/cid-desk/resources/app.asar/dist/renderer/index.html',
      'file:///index.html',
      'not a url',
    ]) {
      expect(isAppUrl(other, APP_URL), other).toBe(false);
    }
  });

  it('treats percent-encoded and plain characters alike, and refuses broken escapes', () => {
    expect(isAppUrl('app://cid-desk/%69ndex.html', APP_URL)).toBe(true);
    expect(isAppUrl('file:///C:/CID%20Desk/index.html', 'file:///C:/CID Desk/index.html')).toBe(
      true,
    );
    expect(isAppUrl('file:///C:/CID%ZZDesk/index.html', 'file:///C:/CID Desk/index.html')).toBe(
      false,
    );
  });

  it('ignores the case of the path only when asked to', () => {
    expect(isAppUrl('app://cid-desk/INDEX.html', APP_URL, true)).toBe(true);
    expect(isAppUrl('app://cid-desk/INDEX.html', APP_URL)).toBe(false);
  });
});

describe('navigationDecision', () => {
  it('stays within our page', () => {
    expect(navigationDecision(`${APP_URL}#/about`, APP_URL)).toEqual({
      allow: true,
      openExternal: null,
    });
  });

  it('sends an allowed link to the browser and anything else nowhere', () => {
    expect(navigationDecision(VAMT, APP_URL)).toEqual({ allow: false, openExternal: VAMT });
    expect(navigationDecision('https://evil.example/', APP_URL)).toEqual({
      allow: false,
      openExternal: null,
    });
    expect(navigationDecision('file:///etc/passwd', APP_URL)).toEqual({
      allow: false,
      openExternal: null,
    });
  });
});

describe('windowOpenDecision', () => {
  it('never opens a window, even for our own page', () => {
    expect(windowOpenDecision(APP_URL)).toEqual({ allow: false, openExternal: null });
    expect(windowOpenDecision(VAMT)).toEqual({ allow: false, openExternal: VAMT });
    expect(windowOpenDecision('https://evil.example/')).toEqual({
      allow: false,
      openExternal: null,
    });
  });
});

describe('permissionDecision', () => {
  it('grants only the clipboard write, and only to our page', () => {
    expect(permissionDecision('clipboard-sanitized-write', APP_URL, APP_URL)).toBe(true);
    expect(permissionDecision('clipboard-sanitized-write', 'https://evil.example/', APP_URL)).toBe(
      false,
    );
    expect(permissionDecision('clipboard-sanitized-write', undefined, APP_URL)).toBe(false);
    for (const permission of [
      'clipboard-read',
      'media',
      'geolocation',
      'notifications',
      'openExternal',
      'fullscreen',
      'unknown',
    ]) {
      expect(permissionDecision(permission, APP_URL, APP_URL), permission).toBe(false);
    }
  });
});

describe('withContentSecurityPolicy', () => {
  it('adds the policy and keeps any the response already had', () => {
    expect(withContentSecurityPolicy(undefined)).toEqual({
      'Content-Security-Policy': [CONTENT_SECURITY_POLICY],
    });
    expect(
      withContentSecurityPolicy({
        'content-security-policy': ["default-src 'self'"],
        'X-A': ['1'],
      }),
    ).toEqual({
      'content-security-policy': ["default-src 'self'", CONTENT_SECURITY_POLICY],
      'X-A': ['1'],
    });
  });

  it('forbids everything the window does not need', () => {
    expect(CONTENT_SECURITY_POLICY).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; frame-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
  });
});

type Listener = (...args: never[]) => unknown;

function fakeContents() {
  const listeners = new Map<string, Listener>();
  let openHandler: ((details: { url: string }) => { action: string }) | undefined;
  const contents = {
    on: (event: string, listener: Listener) => listeners.set(event, listener),
    setWindowOpenHandler: (handler: typeof openHandler) => {
      openHandler = handler;
    },
  };
  const fire = (name: string, url?: string) => {
    let prevented = false;
    const event = { url, preventDefault: () => (prevented = true) };
    (listeners.get(name) as (e: typeof event) => void)(event);
    return prevented;
  };
  return {
    contents: contents as unknown as WebContents,
    fire,
    open: (url: string) => openHandler!({ url }),
    events: () => [...listeners.keys()].sort(),
  };
}

function options(opened: string[]): GuardOptions {
  return {
    appUrl: APP_URL,
    caseInsensitivePaths: false,
    openExternal: async (url) => {
      opened.push(url);
    },
  };
}

describe('guardWebContents', () => {
  it('denies every new window and hands only allowed links to the browser', () => {
    const opened: string[] = [];
    const fake = fakeContents();
    guardWebContents(fake.contents, options(opened));
    expect(fake.open(VAMT)).toEqual({ action: 'deny' });
    expect(fake.open('https://evil.example/')).toEqual({ action: 'deny' });
    expect(opened).toEqual([VAMT]);
  });

  it('prevents navigation and redirects away from our page, and webviews', () => {
    const opened: string[] = [];
    const fake = fakeContents();
    guardWebContents(fake.contents, options(opened));
    expect(fake.events()).toEqual(['will-attach-webview', 'will-navigate', 'will-redirect']);
    expect(fake.fire('will-navigate', `${APP_URL}#/x`)).toBe(false);
    expect(fake.fire('will-navigate', 'https://evil.example/')).toBe(true);
    expect(fake.fire('will-navigate', VAMT)).toBe(true);
    expect(fake.fire('will-redirect', 'https://evil.example/')).toBe(true);
    expect(fake.fire('will-redirect', APP_URL)).toBe(false);
    expect(fake.fire('will-attach-webview')).toBe(true);
    expect(opened).toEqual([VAMT]);
  });

  it('logs a browser that cannot be opened instead of failing', async () => {
    const logged: string[] = [];
    const fake = fakeContents();
    guardWebContents(fake.contents, {
      ...options([]),
      openExternal: () => Promise.reject(new Error('no browser')),
      log: (m) => logged.push(m),
    });
    fake.open(VAMT);
    await new Promise((resolve) => setImmediate(resolve));
    expect(logged).toEqual([`Could not open ${VAMT} in the browser: no browser`]);
  });
});

describe('guardSession and installSecurity', () => {
  function fakeSession() {
    const set: Record<string, Listener> = {};
    const session = {
      setPermissionRequestHandler: (h: Listener) => (set.request = h),
      setPermissionCheckHandler: (h: Listener) => (set.check = h),
      setDevicePermissionHandler: (h: Listener) => (set.device = h),
      webRequest: { onHeadersReceived: (h: Listener) => (set.headers = h) },
    };
    return { session: session as unknown as Session, set };
  }

  it('answers permission requests and checks with the decision function', () => {
    const { session, set } = fakeSession();
    guardSession(session, options([]));
    const answers: boolean[] = [];
    const request = set.request as (
      c: unknown,
      p: string,
      cb: (ok: boolean) => void,
      d: unknown,
    ) => void;
    request(null, 'clipboard-sanitized-write', (ok) => answers.push(ok), {
      requestingUrl: APP_URL,
    });
    request(null, 'media', (ok) => answers.push(ok), { requestingUrl: APP_URL });
    expect(answers).toEqual([true, false]);
    const check = set.check as (c: unknown, p: string, o: string, d: unknown) => boolean;
    expect(
      check(null, 'clipboard-sanitized-write', 'app://cid-desk', { requestingUrl: APP_URL }),
    ).toBe(true);
    expect(check(null, 'clipboard-read', 'app://cid-desk', { requestingUrl: APP_URL })).toBe(false);
    expect((set.device as () => boolean)()).toBe(false);
  });

  it('adds the policy header to pages only', () => {
    const { session, set } = fakeSession();
    guardSession(session, options([]));
    const onHeaders = set.headers as (d: unknown, cb: (r: unknown) => void) => void;
    const results: unknown[] = [];
    onHeaders({ resourceType: 'mainFrame', responseHeaders: {} }, (r) => results.push(r));
    onHeaders({ resourceType: 'xhr', responseHeaders: {} }, (r) => results.push(r));
    expect(results).toEqual([
      { responseHeaders: { 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } },
      {},
    ]);
  });

  it('guards the session and every WebContents created afterwards', () => {
    const { session, set } = fakeSession();
    let created: Listener | undefined;
    const app = {
      on: (event: string, l: Listener) => event === 'web-contents-created' && (created = l),
    };
    installSecurity(app as unknown as App, session, options([]));
    expect(Object.keys(set).sort()).toEqual(['check', 'device', 'headers', 'request']);
    const fake = fakeContents();
    (created as (e: unknown, c: WebContents) => void)({}, fake.contents);
    expect(fake.events()).toEqual(['will-attach-webview', 'will-navigate', 'will-redirect']);
  });
});
