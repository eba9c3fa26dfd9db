import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  APP_ENTRY_URL,
  APP_SCHEME_PRIVILEGES,
  createAppProtocolHandler,
  resolveAppFile,
} from './app-protocol';
import { CONTENT_SECURITY_POLICY } from './security';

let work: string;
let root: string;
const INDEX = '<!doctype html><title>CID Desk</title>';
const SCRIPT = 'console.log("CID Desk");';

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'cid-desk-protocol-'));
  // The build folder, and beside it files the window must never reach.
  root = path.join(work, 'renderer');
  await mkdir(path.join(root, 'assets'), { recursive: true });
  await writeFile(path.join(root, 'index.html'), INDEX);
  await writeFile(path.join(root, 'assets', 'index-1a2b.js'), SCRIPT);
  await writeFile(path.join(root, 'notes.txt'), 'not part of the build');
  await writeFile(path.join(work, 'outside.js'), 'stolen()');
  await writeFile(path.join(work, 'renderer-secrets.js'), 'stolen()');
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

const handler = () => createAppProtocolHandler(root);
const get = (url: string) => handler()({ url, method: 'GET' });

describe('resolveAppFile', () => {
  it('maps our URLs to files of the build, the bare origin to index.html', () => {
    expect(resolveAppFile(APP_ENTRY_URL, root)).toBe(path.join(root, 'index.html'));
    expect(resolveAppFile('app://cid-desk/', root)).toBe(path.join(root, 'index.html'));
    expect(resolveAppFile('app://cid-desk', root)).toBe(path.join(root, 'index.html'));
    expect(resolveAppFile('app://cid-desk/index.html?x=1#/history', root)).toBe(
      path.join(root, 'index.html'),
    );
    expect(resolveAppFile('app://cid-desk/assets/index-1a2b.js', root)).toBe(
      path.join(root, 'assets', 'index-1a2b.js'),
    );
    expect(resolveAppFile('app://CID-DESK/assets/./x/../index-1a2b.js', root)).toBe(
      path.join(root, 'assets', 'index-1a2b.js'),
    );
  });

  it('refuses other schemes, hosts, ports and credentials', () => {
    for (const url of [
      'file:///etc/passwd',
      'http://cid-desk/index.html',
      'https://cid-desk/index.html',
      'app://evil.example/index.html',
      'app://cid-desk.evil.example/index.html',
      'app://cid-desk:8080/index.html',
      'app://user:pw@cid-desk/index.html',
      'not a url',
      '',
    ]) {
      expect(resolveAppFile(url, root), url).toBeNull();
    }
  });

  it('never leaves the build folder, however the path is written', () => {
    for (const url of [
      'app://cid-desk/../outside.js',
      'app://cid-desk/%2e%2e/outside.js',
      'app://cid-desk/%2E%2E%2Foutside.js',
      'app://cid-desk/assets/%2e%2e/%2e%2e/outside.js',
      'app://cid-desk/..%5coutside.js',
      'app://cid-desk/assets%5c..%5c..%5coutside.js',
      'app://cid-desk/%00index.html',
      'app://cid-desk/C:/Windows/win.ini.js',
      'app://cid-desk/index.html:stream.js',
      'app://cid-desk/%ZZ.js',
    ]) {
      const file = resolveAppFile(url, root);
      if (file !== null) {
        const relative = path.relative(root, file);
        expect(relative.startsWith('..') || path.isAbsolute(relative), url).toBe(false);
      }
    }
    // A path that climbs is cut at the root, as a browser does: it names a file inside, or nothing.
    expect(resolveAppFile('app://cid-desk/../outside.js', root)).toBe(
      path.join(root, 'outside.js'),
    );
    expect(resolveAppFile('app://cid-desk/..%5coutside.js', root)).toBeNull();
    expect(resolveAppFile('app://cid-desk/%00index.html', root)).toBeNull();
    expect(resolveAppFile('app://cid-desk/C:/Windows/win.ini.js', root)).toBeNull();
  });

  it('serves only the kinds of file the build is made of', () => {
    expect(resolveAppFile('app://cid-desk/notes.txt', root)).toBeNull();
    expect(resolveAppFile('app://cid-desk/assets/', root)).toBeNull();
    expect(resolveAppFile('app://cid-desk/assets', root)).toBeNull();
  });
});

describe('the app:// handler', () => {
  it('answers the page with its type, the Content-Security-Policy and no type sniffing', async () => {
    const response = await get(APP_ENTRY_URL);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await response.text()).toBe(INDEX);
  });

  it('answers a script as JavaScript, and HEAD without a body', async () => {
    const url = 'app://cid-desk/assets/index-1a2b.js';
    const response = await get(url);
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await response.text()).toBe(SCRIPT);
    const head = await handler()({ url, method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.body).toBeNull();
  });

  it('answers 404 for anything it does not serve, with nothing of the file in it', async () => {
    for (const url of [
      'app://cid-desk/missing.js',
      'app://cid-desk/assets/',
      'app://cid-desk/notes.txt',
      'app://cid-desk/../outside.js',
      'app://cid-desk/%2e%2e/renderer-secrets.js',
      'app://evil.example/index.html',
    ]) {
      const response = await get(url);
      expect(response.status, url).toBe(404);
      expect(await response.text(), url).toBe('');
      expect(response.headers.get('content-security-policy'), url).toBe(CONTENT_SECURITY_POLICY);
    }
  });

  it('refuses every method but GET and HEAD', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'OPTIONS']) {
      const response = await handler()({ url: APP_ENTRY_URL, method });
      expect(response.status, method).toBe(405);
      expect(response.headers.get('allow')).toBe('GET, HEAD');
    }
  });

  it('is declared a standard, secure scheme that module scripts and fetch may use', () => {
    expect(APP_SCHEME_PRIVILEGES).toMatchObject({
      standard: true,
      secure: true,
      supportFetchAPI: true,
    });
    // Nothing that would loosen the page's policy or make it a service-worker origin.
    expect(APP_SCHEME_PRIVILEGES).not.toHaveProperty('bypassCSP');
    expect(APP_SCHEME_PRIVILEGES).not.toHaveProperty('allowServiceWorkers');
  });
});
