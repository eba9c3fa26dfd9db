import type { BrowserWindowConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import { APP_ENTRY_URL } from './app-protocol';
import { focusWindow, openMainWindow, type BrowserWindowClass } from './window';
import type { WindowState } from './window-state';

const PRELOAD = '/app/dist/electron/preload.cjs';

/** A stand-in for BrowserWindow that records what is done to it. */
function fakeWindowClass() {
  const made: FakeWindow[] = [];
  class FakeWindow {
    readonly calls: string[] = [];
    readonly handlers = new Map<string, () => void>();
    maximized = false;
    minimized = false;
    loadResult: Promise<void> = Promise.resolve();
    constructor(readonly options: BrowserWindowConstructorOptions) {
      made.push(this);
    }
    once(event: string, handler: () => void) {
      this.handlers.set(event, handler);
      return this;
    }
    on(event: string, handler: () => void) {
      this.handlers.set(event, handler);
      return this;
    }
    emit(event: string) {
      this.handlers.get(event)?.();
    }
    loadURL(url: string) {
      this.calls.push(`loadURL ${url}`);
      return this.loadResult;
    }
    maximize() {
      this.calls.push('maximize');
      this.maximized = true;
    }
    show() {
      this.calls.push('show');
    }
    getNormalBounds() {
      return { x: 5, y: 6, width: 1001, height: 802 };
    }
    isMaximized() {
      return this.maximized;
    }
  }
  return { made, BrowserWindow: FakeWindow as unknown as BrowserWindowClass };
}

function open(
  state: WindowState,
  overrides: { saveState?: (s: WindowState) => void; isPackaged?: boolean } = {},
) {
  const fake = fakeWindowClass();
  const saved: WindowState[] = [];
  const failures: Error[] = [];
  const logged: string[] = [];
  openMainWindow({
    BrowserWindow: fake.BrowserWindow,
    state,
    preload: PRELOAD,
    url: APP_ENTRY_URL,
    isPackaged: overrides.isPackaged ?? true,
    saveState: overrides.saveState ?? ((s) => saved.push(s)),
    onLoadFailed: (e) => failures.push(e),
    log: (m) => logged.push(m),
  });
  return { window: fake.made[0]!, saved, failures, logged };
}

describe('openMainWindow', () => {
  it('isolates and sandboxes the page, with no Node, no webviews and no spellcheck', () => {
    const { window } = open({ width: 920, height: 720, maximized: false });
    expect(window.options).toEqual({
      title: 'CID Desk',
      width: 920,
      height: 720,
      minWidth: 640,
      minHeight: 560,
      show: false,
      webPreferences: {
        preload: PRELOAD,
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        nodeIntegrationInWorker: false,
        nodeIntegrationInSubFrames: false,
        webviewTag: false,
        spellcheck: false,
        navigateOnDragDrop: false,
        safeDialogs: true,
        devTools: false,
      },
    });
  });

  it('opens where it was last time, and with developer tools when unpackaged', () => {
    const { window } = open(
      { x: 10, y: 20, width: 1000, height: 800, maximized: true },
      { isPackaged: false },
    );
    expect(window.options).toMatchObject({ x: 10, y: 20, width: 1000, height: 800 });
    expect(window.options.webPreferences?.devTools).toBe(true);
  });

  it('loads our page hidden and shows it once it is ready', () => {
    const { window } = open({ width: 920, height: 720, maximized: false });
    expect(window.options.show).toBe(false);
    expect(window.calls).toEqual([`loadURL ${APP_ENTRY_URL}`]);
    window.emit('ready-to-show');
    expect(window.calls).toEqual([`loadURL ${APP_ENTRY_URL}`, 'show']);
  });

  it('maximises before showing when it was maximised last time', () => {
    const { window } = open({ width: 920, height: 720, maximized: true });
    window.emit('ready-to-show');
    expect(window.calls.slice(1)).toEqual(['maximize', 'show']);
  });

  it('hands the normal bounds and the maximised flag over as it closes', () => {
    const { window, saved } = open({ width: 920, height: 720, maximized: true });
    window.emit('ready-to-show');
    window.emit('close');
    expect(saved).toEqual([{ x: 5, y: 6, width: 1001, height: 802, maximized: true }]);
  });

  it('still closes when the state cannot be saved', () => {
    const { window, logged } = open(
      { width: 920, height: 720, maximized: false },
      {
        saveState: () => {
          throw new Error('EROFS');
        },
      },
    );
    expect(() => window.emit('close')).not.toThrow();
    expect(logged).toEqual(['Could not remember the window size.']);
  });

  it('reports a page that cannot be loaded', async () => {
    const fake = fakeWindowClass();
    const failures: Error[] = [];
    const Failing = class extends (fake.BrowserWindow as unknown as new (o: object) => object) {
      loadURL() {
        return Promise.reject(new Error('ERR_FILE_NOT_FOUND (-6)'));
      }
    } as unknown as BrowserWindowClass;
    openMainWindow({
      BrowserWindow: Failing,
      state: { width: 920, height: 720, maximized: false },
      preload: PRELOAD,
      url: APP_ENTRY_URL,
      isPackaged: true,
      saveState: () => undefined,
      onLoadFailed: (e) => failures.push(e),
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(failures.map((e) => e.message)).toEqual(['ERR_FILE_NOT_FOUND (-6)']);
  });
});

describe('focusWindow', () => {
  it('restores a minimised window before bringing it forward', () => {
    const calls: string[] = [];
    const window = (minimized: boolean) => ({
      isMinimized: () => minimized,
      restore: () => calls.push('restore'),
      show: () => calls.push('show'),
      focus: () => calls.push('focus'),
    });
    focusWindow(window(true));
    expect(calls).toEqual(['restore', 'show', 'focus']);
    calls.length = 0;
    focusWindow(window(false));
    expect(calls).toEqual(['show', 'focus']);
  });
});
