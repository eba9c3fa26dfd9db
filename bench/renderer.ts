/**
 * The window's weight and start-up: the built JavaScript and CSS gzipped, and the time from
 * navigation start until the first Installation ID field has the keyboard focus and accepts
 * typing, in Debian's Chromium with a stand-in for the preload bridge that answers at once.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type * as PlaywrightTest from '@playwright/test';
import { API_EVENTS, API_KEY, API_METHODS } from '../shared/ipc';
import { serveRendererOverHttp } from '../e2e/serve-renderer';
import { DEFAULT_SETTINGS } from '../shared/settings';
import { msSince, quantile, timing, value, type Figure } from './stats';

const WARM_UP_LOADS = 2;
const LOADS = 10;
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];
const FIRST_FIELD_LABEL = 'Group 1 of 9';

/**
 * Runs in the page before any of its scripts: a bridge whose getSettings answers at once and
 * whose other methods never answer (start-up calls none of them), and a probe that notes
 * performance.now(), which counts from navigation start, the moment the first IID field is the
 * focused element and is neither disabled nor read-only. React's autoFocus focuses it during the
 * commit that inserts it, so a MutationObserver (a microtask after that commit) sees it as soon
 * as it happens; focusin covers a focus that comes later.
 */
function pageScript(): string {
  const settings = JSON.stringify(DEFAULT_SETTINGS);
  return `(() => {
  const api = {};
  for (const method of ${JSON.stringify(Object.keys(API_METHODS))}) {
    api[method] = method === 'getSettings'
      ? () => Promise.resolve(${settings})
      : () => new Promise(() => {});
  }
  for (const method of ${JSON.stringify(Object.keys(API_EVENTS))}) api[method] = () => () => {};
  Object.defineProperty(window, ${JSON.stringify(API_KEY)}, { value: Object.freeze(api) });

  const check = () => {
    if (window.__benchReadyAt !== undefined) return;
    const el = document.activeElement;
    if (!el || el.getAttribute('aria-label') !== ${JSON.stringify(FIRST_FIELD_LABEL)}) return;
    if (el.disabled || el.readOnly || el.closest('fieldset:disabled')) return;
    window.__benchReadyAt = performance.now();
  };
  new MutationObserver(check).observe(document, { childList: true, subtree: true, attributes: true });
  document.addEventListener('focusin', check, true);
})();`;
}

interface LoadTiming {
  ready: number;
  domContentLoaded: number;
  firstContentfulPaint: number | null;
  /** The page's HTML and its last script fully received. */
  htmlReceived: number;
  scriptReceived: number;
}

/** Builds the renderer (unless BENCH_RENDERER_DIR names a build to reuse), weighs it and loads it. */
export async function benchRenderer(root: string): Promise<Figure[]> {
  const figures: Figure[] = [];
  const reuse = process.env.BENCH_RENDERER_DIR;
  const work = await mkdtemp(join(tmpdir(), 'cid-desk-bench-renderer-'));
  try {
    let dir: string;
    if (reuse) {
      dir = reuse;
    } else {
      dir = join(work, 'renderer');
      const start = process.hrtime.bigint();
      const build = spawnSync(
        'npx',
        ['vite', 'build', '--outDir', dir, '--emptyOutDir', '--logLevel', 'warn'],
        { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] },
      );
      if (build.status !== 0) throw new Error('npx vite build failed.');
      figures.push(
        value('renderer', 'vite build (into a temp folder)', msSince(start), 'ms', {
          note: 'wall time of `npx vite build`, for information',
        }),
      );
    }
    figures.push(...weigh(dir));
    figures.push(...(await timeToInteractive(root, dir)));
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  return figures;
}

/** Each JS and CSS asset gzipped at level 9, summed per kind; 1 KB = 1,024 bytes. */
function weigh(dir: string): Figure[] {
  const assets = join(dir, 'assets');
  const sums = { js: { raw: 0, gz: 0, files: 0 }, css: { raw: 0, gz: 0, files: 0 } };
  for (const name of readdirSync(assets)) {
    const kind = name.endsWith('.js') ? 'js' : name.endsWith('.css') ? 'css' : null;
    if (kind === null) continue;
    const bytes = readFileSync(join(assets, name));
    sums[kind].raw += bytes.length;
    sums[kind].gz += gzipSync(bytes, { level: 9 }).length;
    sums[kind].files += 1;
  }
  const kb = (bytes: number) => bytes / 1024;
  return [
    value('renderer', 'JavaScript, gzip -9', kb(sums.js.gz), 'KB', {
      target: { max: 120, on: 'value', label: '< 120 KB' },
      note: `${sums.js.files} file(s), ${sums.js.gz.toLocaleString('en-US')} bytes gzipped, ${sums.js.raw.toLocaleString('en-US')} bytes raw`,
    }),
    value('renderer', 'CSS, gzip -9', kb(sums.css.gz), 'KB', {
      note: `${sums.css.files} file(s), ${sums.css.gz.toLocaleString('en-US')} bytes gzipped, ${sums.css.raw.toLocaleString('en-US')} bytes raw`,
    }),
  ];
}

async function timeToInteractive(root: string, dir: string): Promise<Figure[]> {
  // The bench runs from a bundle outside the checkout: Playwright is taken from the checkout.
  const { chromium } = createRequire(join(root, 'package.json'))(
    '@playwright/test',
  ) as typeof PlaywrightTest;
  const server = await serveRendererOverHttp(dir);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
  });
  const version = browser.version();
  const script = pageScript();
  const loads: LoadTiming[] = [];
  try {
    for (let i = 0; i < WARM_UP_LOADS + LOADS; i += 1) {
      // A new context each time: empty HTTP cache and storage, as a first start of the window.
      const context = await browser.newContext({ viewport: { width: 920, height: 720 } });
      try {
        const page = await context.newPage();
        const problems: string[] = [];
        page.on('pageerror', (error) => problems.push(error.message));
        page.on('console', (message) => {
          if (message.type() === 'error') problems.push(message.text());
        });
        await page.addInitScript({ content: script });
        await page.goto(`${server.origin}/index.html`);
        // First paint may come a frame after the focus; wait for both so every load has both.
        // A function, not a string: the page's CSP forbids the eval a string predicate needs.
        await page.waitForFunction(
          () =>
            (globalThis as { __benchReadyAt?: number }).__benchReadyAt !== undefined &&
            performance.getEntriesByName('first-contentful-paint').length > 0,
          undefined,
          { timeout: 10_000 },
        );
        const load = (await page.evaluate(`(() => {
          const nav = performance.getEntriesByType('navigation')[0];
          const fcp = performance.getEntriesByName('first-contentful-paint')[0];
          const scripts = performance.getEntriesByType('resource').filter((r) => r.initiatorType === 'script');
          return {
            ready: window.__benchReadyAt,
            domContentLoaded: nav.domContentLoadedEventEnd,
            firstContentfulPaint: fcp ? fcp.startTime : null,
            htmlReceived: nav.responseEnd,
            scriptReceived: Math.max(0, ...scripts.map((r) => r.responseEnd)),
          };
        })()`)) as LoadTiming;
        if (problems.length > 0) throw new Error(`The page reported: ${problems.join('; ')}`);
        if (i >= WARM_UP_LOADS) loads.push(load);
      } finally {
        await context.close();
      }
    }
  } finally {
    await browser.close();
    await server.close();
  }
  const phase = (pick: (load: LoadTiming) => number) =>
    `${quantile(loads.map(pick), 0.5).toFixed(0)} ms`;
  const note =
    `Chromium ${version}, new context per load, ${WARM_UP_LOADS} warm-up loads; medians: ` +
    `HTML received ${phase((l) => l.htmlReceived)}, script received ${phase((l) => l.scriptReceived)}, ` +
    `DOMContentLoaded ${phase((l) => l.domContentLoaded)}, field focused ${phase((l) => l.ready)}`;
  const fcp = loads.flatMap((load) =>
    load.firstContentfulPaint === null ? [] : [load.firstContentfulPaint],
  );
  return [
    timing(
      'renderer',
      'navigation start -> IID field 1 focused & enabled',
      loads.map((load) => load.ready),
      { target: { max: 300, on: 'median', label: '< 300 ms median' }, note },
    ),
    timing(
      'renderer',
      'navigation start -> DOMContentLoaded end',
      loads.map((load) => load.domContentLoaded),
    ),
    ...(fcp.length > 0
      ? [timing('renderer', 'navigation start -> first contentful paint', fcp)]
      : []),
  ];
}
