/** Fakes for the component tests: a bridge that records its calls and a clipboard. */
import { act, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { vi } from 'vitest';
import type { CidOutcome, CidSuccess, Failure } from '../../shared/activation';
import type { BatchProgress } from '../../shared/batch';
import { chunk } from '../../shared/digits';
import type { CidDeskError } from '../../shared/errors';
import type { HistoryEntry } from '../../shared/history';
import type { AppCommand, AppInfo, CidDeskApi } from '../../shared/ipc';
import { DEFAULT_SETTINGS, type Settings } from '../../shared/settings';
import type { ClipboardWriter } from '../common/api';
import { App } from '../app';

/** The product description's 63-digit IID and the CID the service gave for it. */
export const IID63 = '722119691970404081693740409628143723123533522755522747247236561';
export const CID = '062722477945868792870895165923782876591463700690';
/** The product description's 54-digit IID. */
export const IID54 = '005950994222211946473620381251933522362211063114026142';

export const APP_INFO: AppInfo = {
  name: 'CID Desk',
  version: '0.1.0',
  licence: 'MIT',
  electron: '45.5.0',
  chrome: '142.0.7444.52',
  node: '22.20.0',
  platform: 'win32 x64',
};

/** The IID with one digit of `group` (1-based) changed, so that group fails its check digit. */
export function withTypo(iid: string, group: number): string {
  const size = iid.length === 54 ? 6 : 7;
  const at = (group - 1) * size + 1;
  return iid.slice(0, at) + String((Number(iid[at]) + 1) % 10) + iid.slice(at + 1);
}

/** The IID as Windows shows it: groups with spaces. */
export function grouped(iid: string): string[] {
  return chunk(iid, iid.length === 54 ? 6 : 7);
}

/** A successful outcome for `iid`. */
export function success(iid: string, extra: Partial<CidSuccess> = {}): CidOutcome {
  return {
    ok: true,
    iid,
    pid: '00000-00138-207-109016-00-1033-26100.0000-0922026',
    cid: CID,
    groups: chunk(CID, 6),
    fromHistory: false,
    obtainedAt: '2025-03-14T09:26:53.000Z',
    ...extra,
  };
}

/** A failed outcome. */
export function failure(error: Partial<CidDeskError> & Pick<CidDeskError, 'kind'>): Failure {
  return { ok: false, error: { message: 'Failed.', advice: 'Try again.', code: null, ...error } };
}

/** A promise with its resolve function, for answers the test releases when it wants. */
export function deferred<T>(): { promise: Promise<T>; resolve(value: T): void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

export { cidEntry, errorEntry, remainingEntry } from '../../shared/test-support/history-entries';

/** A listHistory answer that filters and pages `entries` (newest first) as main does, roughly. */
export function historyOf(entries: HistoryEntry[]): CidDeskApi['listHistory'] {
  return async ({ query, limit, offset }) => {
    const q = query.trim();
    const matching = entries.filter(
      (entry) =>
        q === '' ||
        entry.at.startsWith(q) ||
        ('iid' in entry && entry.iid?.includes(q)) ||
        (entry.type === 'cid' && entry.cid.includes(q)),
    );
    return {
      ok: true,
      total: matching.length,
      entries: matching.slice(offset, offset + limit),
    };
  };
}

export interface FakeBridge {
  api: { [K in keyof CidDeskApi]: CidDeskApi[K] & ReturnType<typeof vi.fn> };
  /** Sends a menu command as main would. */
  sendCommand(command: AppCommand): void;
  /** Sends a batch progress event as main would. */
  sendBatchProgress(progress: BatchProgress): void;
}

/** A bridge whose methods are spies; `overrides` replace the default answers. */
export function fakeBridge(
  overrides: Partial<CidDeskApi> = {},
  settings: Partial<Settings> = {},
): FakeBridge {
  const listeners = new Set<(command: AppCommand) => void>();
  const batchListeners = new Set<(progress: BatchProgress) => void>();
  const api = {
    getCid: vi.fn<CidDeskApi['getCid']>(async ({ iid }) => success(iid)),
    getRemaining: vi.fn<CidDeskApi['getRemaining']>(async ({ pid }) => ({
      ok: true,
      pid,
      remaining: 3,
    })),
    cancel: vi.fn<CidDeskApi['cancel']>(async () => true),
    getSettings: vi.fn<CidDeskApi['getSettings']>(async () => ({
      ...DEFAULT_SETTINGS,
      ...settings,
    })),
    saveSettings: vi.fn<CidDeskApi['saveSettings']>(async (saved) => ({
      ok: true,
      settings: saved,
    })),
    getAppInfo: vi.fn<CidDeskApi['getAppInfo']>(async () => APP_INFO),
    openExternal: vi.fn<CidDeskApi['openExternal']>(async () => true),
    onCommand: vi.fn<CidDeskApi['onCommand']>((listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    }),
    getNotices: vi.fn<CidDeskApi['getNotices']>(async () => []),
    listHistory: vi.fn<CidDeskApi['listHistory']>(historyOf([])),
    deleteHistoryEntry: vi.fn<CidDeskApi['deleteHistoryEntry']>(async () => ({ ok: true })),
    exportHistory: vi.fn<CidDeskApi['exportHistory']>(async () => ({ ok: true, path: null })),
    openBatchFile: vi.fn<CidDeskApi['openBatchFile']>(async () => ({ ok: true, file: null })),
    runBatch: vi.fn<CidDeskApi['runBatch']>(
      () => new Promise(() => undefined) as ReturnType<CidDeskApi['runBatch']>,
    ),
    cancelBatch: vi.fn<CidDeskApi['cancelBatch']>(async () => true),
    exportBatch: vi.fn<CidDeskApi['exportBatch']>(async () => ({ ok: true, path: null })),
    onBatchProgress: vi.fn<CidDeskApi['onBatchProgress']>((listener) => {
      batchListeners.add(listener);
      return () => batchListeners.delete(listener);
    }),
  };
  for (const [name, fn] of Object.entries(overrides)) {
    (api as Record<string, unknown>)[name] = vi.fn(fn as (...args: never[]) => unknown);
  }
  return {
    api: api as FakeBridge['api'],
    sendCommand: (command) => act(() => listeners.forEach((listener) => listener(command))),
    sendBatchProgress: (progress) => batchListeners.forEach((listener) => listener(progress)),
  };
}

export interface RenderOptions {
  api?: Partial<CidDeskApi>;
  settings?: Partial<Settings>;
  clipboard?: ClipboardWriter;
}

/** Renders the whole window with fakes and waits until it is ready for input. */
export async function renderApp(options: RenderOptions = {}) {
  const bridge = fakeBridge(options.api, options.settings);
  const clipboard = options.clipboard ?? { writeText: vi.fn(async () => undefined) };
  const user = userEvent.setup();
  const view = render(<App environment={{ api: bridge.api, clipboard }} />);
  await screen.findByRole('textbox', { name: 'Group 1 of 9' });
  return { ...bridge, clipboard, user, ...view };
}

/** The nine IID boxes, in order. */
export function groupInputs(): HTMLInputElement[] {
  return Array.from({ length: 9 }, (_, i) =>
    screen.getByRole<HTMLInputElement>('textbox', { name: `Group ${i + 1} of 9` }),
  );
}

/** What the nine boxes hold. */
export function groupValues(): string[] {
  return groupInputs().map((input) => input.value);
}

/**
 * The live regions (polite or assertive, by attribute or by role) whose text matches `text`: what a
 * screen reader would say about it. Each thing the window says should be said exactly once.
 */
export function liveRegionsSaying(text: string | RegExp): Element[] {
  const live = '[aria-live], [role="status"], [role="alert"], [role="log"]';
  return [...document.querySelectorAll(live)].filter((region) => {
    const content = region.textContent ?? '';
    return typeof text === 'string' ? content.includes(text) : text.test(content);
  });
}
