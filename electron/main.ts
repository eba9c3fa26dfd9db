/**
 * The Electron main process. It only wires Electron's objects to the plain modules beside it,
 * which hold the decisions and are tested in Node.
 */
import os from 'node:os';
import path from 'node:path';
import * as electron from 'electron';
import { app, BrowserWindow, dialog, Menu, net, protocol, screen, session, shell } from 'electron';
import { license } from '../package.json';
import type { AppCommand, AppInfo } from '../shared/ipc';
import { resolveEndpoint, type ActivationFetch } from './activation-client';
import {
  APP_ENTRY_URL,
  APP_SCHEME,
  APP_SCHEME_PRIVILEGES,
  createAppProtocolHandler,
} from './app-protocol';
import { createAppServices } from './app-services';
import { APP_NAME, resolveDataDir } from './data-dir';
import { createHandlers } from './handlers';
import { isTrustedSender, registerOnIpcMain, send } from './ipc-main';
import { menuTemplate } from './menu';
import { allowedExternalUrl, installSecurity } from './security';
import { createSettingsStore } from './settings-store';
import { startSimulator } from './simulator';
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
// The window's page comes from app://cid-desk/, not file:// (electron/app-protocol.ts). Schemes
// must be declared before the app is ready.
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: APP_SCHEME_PRIVILEGES }]);

const preloadPath = path.join(__dirname, 'preload.cjs');
const rendererDir = path.join(__dirname, '..', 'renderer');
const appUrl = APP_ENTRY_URL;
const caseInsensitivePaths = process.platform === 'win32' || process.platform === 'darwin';

let mainWindow: BrowserWindow | null = null;
let windowState: WindowState = { ...DEFAULT_WINDOW_STATE };
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
    if (mainWindow === window) mainWindow = null;
  });
  return window;
}

function command(name: AppCommand): void {
  mainWindow ??= createWindow();
  const target = mainWindow;
  focusWindow(target);
  if (target.webContents.isLoading()) {
    target.webContents.once('did-finish-load', () => send(target.webContents, 'app:command', name));
  } else {
    send(target.webContents, 'app:command', name);
  }
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
  const { handlers } = createHandlers({
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
  mainWindow = createWindow();

  app.on('activate', () => {
    // macOS: clicking the dock icon with no window open makes a new one.
    if (mainWindow === null) mainWindow = createWindow();
  });
}

if (!app.requestSingleInstanceLock()) {
  // Another CID Desk is running with this data folder; it has been asked to come forward.
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!app.isReady()) return;
    mainWindow ??= createWindow();
    focusWindow(mainWindow);
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  let answersAwaited = false;
  app.on('before-quit', (event) => {
    // A request already sent may bring a CID that cost an activation: quitting waits for its
    // answer (at most the timeout) so that the CID is recorded, not lost.
    if (answersAwaited || services.pending() === 0) return;
    event.preventDefault();
    answersAwaited = true;
    log('Waiting for answers already on their way before quitting.');
    void services.idle().finally(() => app.quit());
  });
  app.on('will-quit', () => {
    void services.close();
  });
  app
    .whenReady()
    .then(start)
    .catch((error: unknown) => {
      log('Start-up failed.', error);
      dialog.showErrorBox(`${APP_NAME} could not start`, String(error));
      app.quit();
    });
}
