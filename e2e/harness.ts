/**
 * Runs the real renderer in Chromium with the preload's API supplied by the test: the same
 * createApi the preload uses, wired through the same dispatch (sender check and argument
 * validation) to the real main-process handlers, the real settings store in a temporary data
 * folder, the real activation service and the local simulator of Microsoft's service. Only
 * Electron itself is missing.
 */
import { test as base, expect, type Page } from '@playwright/test';
import { buildSync } from 'esbuild';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ok } from '../shared/errors';
import {
  API_KEY,
  type AppCommand,
  type AppInfo,
  type EventChannel,
  type IpcEvents,
  type RequestChannel,
} from '../shared/ipc';
import type { Settings } from '../shared/settings';
import type { ActivationFetch } from '../electron/activation/activation-client';
import { createAppServices } from '../electron/main/app-services';
import { createHandlers, type HandlerSet } from '../electron/main/ipc/handlers';
import { HISTORY_FILE_NAME } from '../electron/history/history-store';
import { dispatch } from '../electron/main/ipc/ipc-main';
import { createSettingsStore, SETTINGS_FILE } from '../electron/main/settings-store';
import { startSimulator, type Simulator } from '../electron/simulator/simulator';
import { serveRendererOverHttp, type ServedRenderer } from './serve-renderer';

/** The checkout this file belongs to, whatever folder Playwright was started from. */
export const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RENDERER_DIR = path.join(ROOT, 'dist', 'renderer');
const RENDERER_SOURCES = path.join(ROOT, 'renderer');

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(full));
    else if (!/\.test\.tsx?$/.test(entry.name)) newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

/**
 * Refuses to test a renderer that is missing or older than its sources: a stale build would
 * pass or fail for code that is no longer there. Checked once, when the run loads the tests;
 * the workers it starts inherit the mark, so an edit made during the run cannot fail half of it.
 */
function checkRendererBuild(): void {
  if (process.env.CID_DESK_E2E_BUILD_CHECKED === '1') return;
  const index = path.join(RENDERER_DIR, 'index.html');
  let built: number;
  try {
    built = statSync(index).mtimeMs;
  } catch {
    throw new Error(`${index} is missing: build the renderer first (npx vite build).`);
  }
  if (newestSource(RENDERER_SOURCES) > built) {
    throw new Error(
      'dist/renderer is older than renderer/: rebuild it (npx vite build) before the e2e tests.',
    );
  }
  process.env.CID_DESK_E2E_BUILD_CHECKED = '1';
}
checkRendererBuild();

/**
 * Serves a copy of the built renderer on 127.0.0.1 through main's app:// handler. The copy keeps
 * a rebuild of dist/ during the run from pulling files out from under the tests.
 */
async function serveRenderer(): Promise<ServedRenderer> {
  const root = await mkdtemp(path.join(tmpdir(), 'cid-desk-e2e-renderer-'));
  await cp(RENDERER_DIR, root, { recursive: true });
  const served = await serveRendererOverHttp(root);
  return {
    origin: served.origin,
    close: async () => {
      await served.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** The preload's createApi, bundled for the page so the test uses the real bridge code. */
const preloadApiSource = buildSync({
  entryPoints: [path.join(ROOT, 'electron', 'preload', 'preload-api.ts')],
  bundle: true,
  format: 'iife',
  globalName: 'CidDeskPreload',
  platform: 'browser',
  write: false,
}).outputFiles[0]!.text;

const packageJson = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  version: string;
  license: string;
  devDependencies: Record<string, string>;
};

const APP_INFO: AppInfo = {
  name: 'CID Desk',
  version: packageJson.version,
  licence: packageJson.license,
  electron: packageJson.devDependencies.electron ?? 'unknown',
  chrome: 'Chromium (test)',
  node: process.versions.node,
  platform: process.platform,
};

export interface AppHarness {
  page: Page;
  simulator: Simulator;
  /** The data folder main uses: settings.json lives here. */
  dataDir: string;
  /** Where the settings store keeps the settings. */
  settingsFile: string;
  /** Sends a menu command to the window, as the application menu does. */
  command(command: AppCommand): Promise<void>;
  /**
   * What the next file dialogs answer: the path the user picks, or null when they cancel.
   * Both start as null.
   */
  dialogs: { savePath: string | null; openPath: string | null };
  /**
   * Starts main over as a new run of the app would: a new settings store reads the data folder
   * from disk, and the window is loaded again. Files an earlier run is meant to have left belong
   * in `initialSettings` and `initialHistory` instead: the first window's calls to main may still
   * be on their way when the test writes, and would read what was meant for the next run.
   */
  restart(): Promise<void>;
  /**
   * Content-Security-Policy violations, console errors, stray requests and main-process failure
   * logs seen so far; the test fails unless it ends empty.
   */
  problems: string[];
}

export interface AppOptions {
  /** Written to the data folder's settings.json before the window opens; null for none. */
  initialSettings: Settings | null;
  /**
   * The service URL the app is set up with, as the window's messages name it; null for the
   * simulator's own URL. Whatever it says, every request is delivered to the simulator.
   */
  configuredEndpoint: string | null;
  /**
   * Written to the data folder's history file before the window opens, as an earlier run of
   * CID Desk (or a damaged disk) left it; null for none.
   */
  initialHistory: string | null;
}

/** Waits until the window has read its settings and shows its top bar. */
async function windowReady(page: Page): Promise<void> {
  await page.getByRole('navigation', { name: 'Application' }).waitFor();
}

export const test = base.extend<AppOptions & { app: AppHarness }, { renderer: ServedRenderer }>({
  initialSettings: [null, { option: true }],
  configuredEndpoint: [null, { option: true }],
  initialHistory: [null, { option: true }],

  // One copy of the renderer and one server per worker: every test loads the same files.
  renderer: [
    // Playwright reads a fixture's dependencies from this pattern; this one has none.
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      const renderer = await serveRenderer();
      try {
        await use(renderer);
      } finally {
        await renderer.close();
      }
    },
    { scope: 'worker' },
  ],

  app: async (
    { page, context, renderer, initialSettings, configuredEndpoint, initialHistory },
    use,
  ) => {
    // It stands in for Microsoft: its answers are filed as the service's, as in the real app.
    const simulator = await startSimulator({ identify: false });
    const dataDir = await mkdtemp(path.join(tmpdir(), 'cid-desk-e2e-'));
    const problems: string[] = [];
    /** Every main side started (restart() starts another), so the end can wait for them all. */
    const started: { idle(): Promise<void> }[] = [];
    try {
      const settingsFile = path.join(dataDir, SETTINGS_FILE);
      if (initialSettings !== null) {
        await writeFile(settingsFile, `${JSON.stringify(initialSettings, null, 2)}\n`);
      }
      if (initialHistory !== null) {
        await writeFile(path.join(dataDir, HISTORY_FILE_NAME), initialHistory);
      }

      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
      });
      page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
      // The window has no business anywhere but its own files; the service is main's to reach.
      page.on('request', (request) => {
        const url = request.url();
        if (!url.startsWith(`${renderer.origin}/`) && !url.startsWith('data:')) {
          problems.push(`request outside the app: ${url}`);
        }
      });
      await context.grantPermissions(['clipboard-read', 'clipboard-write'], {
        origin: renderer.origin,
      });

      const mainLog = (message: string, error?: unknown): void => {
        problems.push(`main logged: ${message}${error === undefined ? '' : ` ${String(error)}`}`);
      };
      const dialogs: AppHarness['dialogs'] = { savePath: null, openPath: null };
      const emit = async <E extends EventChannel>(channel: E, payload: IpcEvents[E]) => {
        await page.evaluate(
          ([c, p]) =>
            (
              globalThis as unknown as { __cidDeskEmit(ch: string, p: unknown): void }
            ).__cidDeskEmit(c, p),
          [channel, payload] as const,
        );
      };

      // Ignores the URL it is given, so no request can leave this computer whatever the endpoint.
      const toSimulator: ActivationFetch = (_url, init) => fetch(simulator.url, init);
      // The main-process side as main.ts wires it, with the simulator standing in for Microsoft
      // (and for the demo simulator) and the file dialogs answered by `dialogs`.
      const startMain = async (): Promise<HandlerSet> => {
        const services = createAppServices({
          dataDir,
          fetch: toSimulator,
          endpoint: ok(new URL(configuredEndpoint ?? simulator.url)),
          startSimulator: async () => simulator,
        });
        started.push(services);
        const settings = createSettingsStore({ dir: dataDir });
        const loaded = await settings.load();
        return createHandlers({
          settings,
          getService: services.serviceFor,
          history: services.history,
          appInfo: APP_INFO,
          openExternal: async () => {},
          notices: () => services.notices(loaded.notice),
          chooseSavePath: async () => dialogs.savePath,
          chooseOpenPath: async () => dialogs.openPath,
          emit: (progress) => {
            emit('batch:progress', progress).catch(() => undefined);
          },
          log: mainLog,
        });
      };
      let main = await startMain();

      await page.exposeBinding(
        '__cidDeskInvoke',
        ({ frame }, channel: RequestChannel, args: unknown) =>
          dispatch(
            channel,
            [args],
            { frameUrl: frame.url(), isMainFrame: frame === page.mainFrame(), webContentsId: 1 },
            main.handlers[channel] as never,
            {
              isTrusted: (sender) =>
                sender.isMainFrame &&
                sender.frameUrl !== null &&
                sender.frameUrl.startsWith(`${renderer.origin}/`),
              log: mainLog,
            },
          ),
      );
      await page.exposeBinding('__cidDeskReportViolation', (_source, text: string) => {
        problems.push(`CSP violation: ${text}`);
      });
      await page.addInitScript(`
      ${preloadApiSource}
      (() => {
        const listeners = new Map();
        window.__cidDeskEmit = (channel, payload) => (listeners.get(channel) ?? []).forEach((l) => l(payload));
        const subscribe = (channel, listener) => {
          const set = listeners.get(channel) ?? new Set();
          set.add(listener);
          listeners.set(channel, set);
          return () => set.delete(listener);
        };
        Object.defineProperty(window, ${JSON.stringify(API_KEY)}, {
          value: CidDeskPreload.createApi((channel, args) => window.__cidDeskInvoke(channel, args), subscribe),
        });
        document.addEventListener('securitypolicyviolation', (event) =>
          window.__cidDeskReportViolation(event.violatedDirective + ' blocked ' + event.blockedURI));
      })();
    `);

      await page.goto(`${renderer.origin}/index.html`);
      await windowReady(page);
      await use({
        page,
        simulator,
        dataDir,
        settingsFile,
        problems,
        dialogs,
        command: (command) => emit('app:command', command),
        restart: async () => {
          main = await startMain();
          await page.reload();
          await windowReady(page);
        },
      });
    } finally {
      // Closing the simulator ends requests still awaited after a cancel; they are recorded
      // before the data folder goes.
      await simulator.close();
      await Promise.all(started.map((services) => services.idle()));
      await rm(dataDir, { recursive: true, force: true });
    }
    expect(problems, 'no CSP violation, console error, stray request or failure in main').toEqual(
      [],
    );
  },
});

export { expect };
