/**
 * The Electron main process. It only wires Electron's objects to the plain modules beside it,
 * which hold the decisions and are tested in Node.
 */
import os from 'node:os';
import path from 'node:path';
import * as electron from 'electron';
import { app, BrowserWindow, dialog, Menu, net, protocol, screen, session, shell } from 'electron';
import { license } from '../../package.json';
import type { AppCommand, AppInfo } from '../../shared/ipc';
import { resolveEndpoint, type ActivationFetch } from '../activation/activation-client';
import {
  APP_ENTRY_URL,
  APP_SCHEME,
  APP_SCHEME_PRIVILEGES,
  createAppProtocolHandler,
} from './app-protocol';
import { createAppServices } from './app-services';
import { APP_NAME, resolveDataDir } from '../storage/data-dir';
import { createHandlers } from './ipc/handlers';
import { isTrustedSender, registerOnIpcMain, send } from './ipc/ipc-main';
import { menuTemplate } from './menu';
import { createQuitGuard, quitAnywayPrompt } from './quit-guard';
import { allowedExternalUrl, installSecurity } from './security';
import { createSettingsStore } from './settings-store';
import { startSimulator } from '../simulator/simulator';
import { focusWindow, openMainWindow } from './window';
import {
  DEFAULT_WINDOW_STATE,
  loadWindowState,
  saveWindowState,
  type WindowState,
} from './window-state';

const log = (message: string, error?: unknown): void => {
  console.error(`[CID Desk] ${message}`, ...(error === undefined ? [] : [error]));
};

// The same folder the command line uses, so both see one history and one settings file.
const dataDir = resolveDataDir(process.env, process.platform, os.homedir());
app.setName(APP_NAME);
app.setPath('userData', dataDir);
// Chromium's own profile (caches, local storage) gets a folder of its own inside, so the data
// folder holds only the files docs/data-folder.md describes, plus this one.
app.setPath('sessionData', path.join(dataDir, 'Chromium'));
app.enableSandbox();
// The window's page comes from app://cid-desk/, not file:// (createAppProtocolHandler). Schemes
// must be declared before the app is ready.
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: APP_SCHEME_PRIVILEGES }]);

const preloadPath = path.join(__dirname, 'preload.cjs');
const rendererDir = path.join(__dirname, '..', 'renderer');
const appUrl = APP_ENTRY_URL;
const caseInsensitivePaths = process.platform === 'win32' || process.platform === 'darwin';

let mainWindow: BrowserWindow | null = null;
let windowState: WindowState = { ...DEFAULT_WINDOW_STATE };
/**
 * Settles when start() has finished. Windows are only made after it (second-instance, activate
 * and menu commands wait for it), so one arriving during start-up cannot make a second window.
 */
let started: Promise<void> | undefined;
/** Cancels every running batch; set once the handlers exist. */
let cancelBatches: () => number = () => 0;
/** The WebContents of the windows main created: the only ones whose messages are answered. */
const ownWebContents = new Set<number>();

const chromiumFetch: ActivationFetch = (input, init) => net.fetch(input, init);

/**
 * CID_DESK_ENDPOINT points the app at another service URL, as it does the command line
 * (https, or http to this computer only): for a company relay, or the local simulator in tests.
 */
const services = createAppServices({
  dataDir,
  fetch: chromiumFetch,
  endpoint: resolveEndpoint(process.env.CID_DESK_ENDPOINT),
  startSimulator: () => startSimulator(),
});

/** Decides when quitting may go on: never while an answer that may carry a CID is on its way. */
const quitGuard = createQuitGuard({
  pending: services.pending,
  idle: services.idle,
  quit: () => app.quit(),
  stopSending: () => {
    const cancelled = cancelBatches();
    if (cancelled > 0) log(`Cancelled ${cancelled} running batch(es) before quitting.`);
  },
  confirmQuitAnyway: async (pendingCount) => {
    const prompt = quitAnywayPrompt(pendingCount);
    const options = { ...prompt, type: 'warning' as const, title: APP_NAME, noLink: true };
    const { response } = mainWindow
      ? await dialog.showMessageBox(mainWindow, options)
      : await dialog.showMessageBox(options);
    return prompt.buttons[response] === 'Quit anyway';
  },
  log,
});

function appInfo(): AppInfo {
  return {
    name: APP_NAME,
    version: app.getVersion(),
    licence: license,
    electron: process.versions.electron,
    chrome: process.versions.chrome,
    node: process.versions.node,
    platform: `${process.platform} ${process.arch}`,
  };
}

function createWindow(): BrowserWindow {
  const window = openMainWindow({
    BrowserWindow,
    state: windowState,
    preload: preloadPath,
    url: appUrl,
    isPackaged: app.isPackaged,
    saveState: (state) => {
      windowState = state;
      saveWindowState(dataDir, state);
    },
    onLoadFailed: (error) => {
      log('The window could not be loaded.', error);
      dialog.showErrorBox(
        `${APP_NAME} could not start`,
        `Its window could not be loaded (${error.message}). Reinstall ${APP_NAME}.`,
      );
      app.quit();
    },
    log,
  });
  const id = window.webContents.id;
  ownWebContents.add(id);
  window.on('closed', () => {
    ownWebContents.delete(id);
    if (mainWindow !== window) return;
    mainWindow = null;
    // Nobody is left to watch a batch: rows not yet sent are not sent (those sent are recorded).
    const cancelled = cancelBatches();
    if (cancelled > 0) log(`Cancelled ${cancelled} running batch(es) as the window closed.`);
  });
  // A window made while a quit waits for answers means the user is back: the quit is called off.
  quitGuard.windowOpened();
  return window;
}

/** The main window, made if there is none; only after start-up (see `started`). */
function ensureWindow(): BrowserWindow {
  mainWindow ??= createWindow();
  return mainWindow;
}

/** Runs `run` once start-up has finished; never when it failed, as the app is then quitting. */
function whenStarted(run: () => void): void {
  void started
    ?.then(run, () => undefined)
    .catch((error: unknown) => log('The window could not be opened or shown.', error));
}

function command(name: AppCommand): void {
  whenStarted(() => {
    const target = ensureWindow();
    focusWindow(target);
    if (target.webContents.isLoading()) {
      target.webContents.once('did-finish-load', () =>
        send(target.webContents, 'app:command', name),
      );
    } else {
      send(target.webContents, 'app:command', name);
    }
  });
}

async function start(): Promise<void> {
  // The one call to shell.openExternal, re-checking the allow-list right before the OS sees it.
  const openExternal = async (url: string): Promise<void> => {
    const allowed = allowedExternalUrl(url);
    if (allowed === null) throw new Error('This address is not on the list CID Desk may open.');
    await shell.openExternal(allowed);
  };
  installSecurity(app, session.defaultSession, { appUrl, caseInsensitivePaths, openExternal, log });
  // Only the built renderer's own files, with the Content-Security-Policy on every answer.
  protocol.handle(APP_SCHEME, createAppProtocolHandler(rendererDir));

  const settings = createSettingsStore({ dir: dataDir });
  const loaded = await settings.load();
  const csvFilter = [{ name: 'CSV', extensions: ['csv'] }];
  const { handlers, cancelBatches: cancelAll } = createHandlers({
    settings,
    getService: services.serviceFor,
    history: services.history,
    appInfo: appInfo(),
    openExternal,
    notices: () => services.notices(loaded.notice),
    chooseSavePath: async (defaultName) => {
      const options = { defaultPath: defaultName, filters: csvFilter };
      const chosen = mainWindow
        ? await dialog.showSaveDialog(mainWindow, options)
        : await dialog.showSaveDialog(options);
      return chosen.canceled || !chosen.filePath ? null : chosen.filePath;
    },
    chooseOpenPath: async () => {
      const options = {
        properties: ['openFile' as const],
        filters: [{ name: 'Lists of Installation IDs', extensions: ['txt', 'csv'] }],
      };
      const chosen = mainWindow
        ? await dialog.showOpenDialog(mainWindow, options)
        : await dialog.showOpenDialog(options);
      return chosen.canceled ? null : (chosen.filePaths[0] ?? null);
    },
    emit: (progress) => {
      if (mainWindow) send(mainWindow.webContents, 'batch:progress', progress);
    },
    log,
  });
  cancelBatches = cancelAll;
  registerOnIpcMain(
    electron,
    handlers,
    (sender) =>
      isTrustedSender(sender, {
        appUrl,
        caseInsensitivePaths,
        isOwnWebContents: (id) => ownWebContents.has(id),
      }),
    log,
  );

  app.setAboutPanelOptions({
    applicationName: APP_NAME,
    applicationVersion: app.getVersion(),
    copyright: `${license} licence`,
  });
  Menu.setApplicationMenu(
    Menu.buildFromTemplate(
      menuTemplate({
        platform: process.platform,
        isPackaged: app.isPackaged,
        appName: APP_NAME,
        onCommand: command,
      }),
    ),
  );

  const primary = screen.getPrimaryDisplay();
  const others = screen.getAllDisplays().filter((display) => display.id !== primary.id);
  windowState = await loadWindowState(
    dataDir,
    [primary, ...others].map((d) => d.workArea),
  );
  ensureWindow();
}

if (!app.requestSingleInstanceLock()) {
  // Another CID Desk is running with this data folder; it has been asked to come forward.
  app.quit();
} else {
  app.on('second-instance', () => {
    whenStarted(() => focusWindow(ensureWindow()));
  });
  app.on('activate', () => {
    // macOS: clicking the dock icon with no window open makes a new one.
    whenStarted(() => void ensureWindow());
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('before-quit', (event) => {
    // A request already sent may bring a CID that cost an activation: createQuitGuard
    // holds the quit until every answer is recorded, unless the user insists.
    if (!quitGuard.beforeQuit()) event.preventDefault();
  });
  app.on('will-quit', () => {
    void services.close();
  });
  started = app.whenReady().then(start);
  started.catch((error: unknown) => {
    log('Start-up failed.', error);
    dialog.showErrorBox(`${APP_NAME} could not start`, String(error));
    app.quit();
  });
}
