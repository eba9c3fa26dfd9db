import type { BrowserWindow, BrowserWindowConstructorOptions } from 'electron';
import { APP_NAME } from '../storage/data-dir';
import { MIN_SIZE, stateOf, type WindowState } from './window-state';

/** The constructor of Electron's BrowserWindow, passed in so this module runs without Electron. */
export type BrowserWindowClass = new (options: BrowserWindowConstructorOptions) => BrowserWindow;

export interface OpenMainWindowDeps {
  BrowserWindow: BrowserWindowClass;
  /** Where and how big the window opens. */
  state: WindowState;
  /** Absolute path of dist/electron/preload.cjs. */
  preload: string;
  /** The page to load: APP_ENTRY_URL, served by createAppProtocolHandler. */
  url: string;
  /** Developer tools are for unpackaged builds only. */
  isPackaged: boolean;
  /** Called as the window closes, with the bounds to remember. */
  saveState(state: WindowState): void;
  /** The page could not be loaded (a broken install); the window would stay empty. */
  onLoadFailed(error: Error): void;
  log?: (message: string, error?: unknown) => void;
}

/** Creates the main window, loads the page and shows it once it has painted. */
export function openMainWindow(deps: OpenMainWindowDeps): BrowserWindow {
  const { BrowserWindow, state } = deps;
  // The options are written out here, in the `new BrowserWindow({...})` call itself, so that
  // security scanners (npm run security:scan) can read the webPreferences.
  const window = new BrowserWindow({
    title: APP_NAME,
    width: state.width,
    height: state.height,
    ...(state.x !== undefined && state.y !== undefined ? { x: state.x, y: state.y } : {}),
    minWidth: MIN_SIZE.width,
    minHeight: MIN_SIZE.height,
    // Shown on ready-to-show, so the user never sees an empty frame.
    show: false,
    webPreferences: {
      preload: deps.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false,
      // IDs are digits: red underlines would only distract.
      spellcheck: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      devTools: !deps.isPackaged,
    },
  });
  window.once('ready-to-show', () => {
    if (state.maximized) window.maximize();
    window.show();
  });
  window.on('close', () => {
    // Forgetting the size is a small loss; a window that refuses to close would be a big one.
    try {
      deps.saveState(stateOf(window.getNormalBounds(), window.isMaximized()));
    } catch (error) {
      deps.log?.('Could not remember the window size.', error);
    }
  });
  window.loadURL(deps.url).catch((error: unknown) => {
    deps.onLoadFailed(error instanceof Error ? error : new Error(String(error)));
  });
  return window;
}

/** Brings a window to the front, restoring it from the dock or taskbar first. */
export function focusWindow(
  window: Pick<BrowserWindow, 'isMinimized' | 'restore' | 'show' | 'focus'>,
): void {
  if (window.isMinimized()) window.restore();
  window.show();
  window.focus();
}
