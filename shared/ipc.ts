/**
 * The one contract between the window and the main process. Main's handlers, the preload bridge
 * and the window's calls all take their types from here, and main validates every argument at
 * run time with the checkers below: the renderer is untrusted input.
 */
import type { CidOutcome, Failure, RemainingOutcome } from './activation';
import { BATCH_MAX_IIDS, type BatchProgress, type BatchSummary } from './batch';
import { fail, ok, type Result } from './errors';
import type { HistoryEntry } from './history';
import type { Settings } from './settings';

export interface AppInfo {
  name: string;
  version: string;
  licence: string;
  electron: string;
  chrome: string;
  node: string;
  platform: string;
}

export type SaveSettingsResult =
  | { ok: true; settings: Settings }
  | { ok: false; problems: Partial<Record<keyof Settings, string>> };

export type HistoryListResult = { ok: true; total: number; entries: HistoryEntry[] } | Failure;

/** A file the user chose; `path` is null when they cancelled the dialog. */
export type SaveFileResult = { ok: true; path: string | null } | Failure;
export type OpenTextFileResult =
  { ok: true; file: { name: string; text: string } | null } | Failure;

/** Something the user must know about, found by main: a damaged file moved aside, for example. */
export interface AppNotice {
  title: string;
  message: string;
  advice: string;
}

export type BatchResult = { ok: true; summary: BatchSummary } | Failure;

/** Request/response channels: name -> (argument) => result. */
export interface IpcRequests {
  'activation:get-cid': (args: { requestId: string; iid: string; force: boolean }) => CidOutcome;
  'activation:remaining': (args: { requestId: string; pid: string }) => RemainingOutcome;
  'activation:cancel': (args: { requestId: string }) => boolean;
  'settings:get': (args: Record<string, never>) => Settings;
  'settings:save': (args: Settings) => SaveSettingsResult;
  'app:info': (args: Record<string, never>) => AppInfo;
  'app:open-external': (args: { url: string }) => boolean;
  'app:notices': (args: Record<string, never>) => AppNotice[];
  'history:list': (args: { query: string; limit: number; offset: number }) => HistoryListResult;
  'history:delete': (args: { id: string }) => { ok: true } | Failure;
  'history:export': (args: { query: string }) => SaveFileResult;
  'batch:open-file': (args: Record<string, never>) => OpenTextFileResult;
  'batch:run': (args: { batchId: string; iids: string[]; force: boolean }) => BatchResult;
  'batch:cancel': (args: { batchId: string }) => boolean;
  'batch:export': (args: { batchId: string }) => SaveFileResult;
}

/** Commands the application menu sends to the window. */
export type AppCommand =
  'new' | 'settings' | 'reference' | 'about' | 'history' | 'batch' | 'remaining';

/** Main -> renderer events: name -> payload. */
export interface IpcEvents {
  'app:command': AppCommand;
  'batch:progress': BatchProgress;
}

export type RequestChannel = keyof IpcRequests;
export type EventChannel = keyof IpcEvents;
export type RequestArgs<C extends RequestChannel> = Parameters<IpcRequests[C]>[0];
export type RequestResult<C extends RequestChannel> = ReturnType<IpcRequests[C]>;

/** The preload bridge's method for each request channel. */
export const API_METHODS = {
  getCid: 'activation:get-cid',
  getRemaining: 'activation:remaining',
  cancel: 'activation:cancel',
  getSettings: 'settings:get',
  saveSettings: 'settings:save',
  getAppInfo: 'app:info',
  openExternal: 'app:open-external',
  getNotices: 'app:notices',
  listHistory: 'history:list',
  deleteHistoryEntry: 'history:delete',
  exportHistory: 'history:export',
  openBatchFile: 'batch:open-file',
  runBatch: 'batch:run',
  cancelBatch: 'batch:cancel',
  exportBatch: 'batch:export',
} as const satisfies Record<string, RequestChannel>;

/** The preload bridge's method for each event channel. */
export const API_EVENTS = {
  onCommand: 'app:command',
  onBatchProgress: 'batch:progress',
} as const satisfies Record<string, EventChannel>;

type Unsubscribe = () => void;

/** What the preload exposes on `window.cidDesk`, derived from the contract. */
export type CidDeskApi = {
  [M in keyof typeof API_METHODS]: (
    args: RequestArgs<(typeof API_METHODS)[M]>,
  ) => Promise<RequestResult<(typeof API_METHODS)[M]>>;
} & {
  [E in keyof typeof API_EVENTS]: (
    listener: (payload: IpcEvents[(typeof API_EVENTS)[E]]) => void,
  ) => Unsubscribe;
};

/** The name the bridge is exposed under in the window. */
export const API_KEY = 'cidDesk';

// ---------------------------------------------------------------------------------------------
// Run-time validation of arguments arriving from the renderer.

type Check<T> = (raw: unknown) => Result<T, string>;

const MAX_TEXT = 4096;

function record(raw: unknown, keys: readonly string[]): Result<Record<string, unknown>, string> {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return fail('expected an object');
  }
  if (Object.getPrototypeOf(raw) !== Object.prototype && Object.getPrototypeOf(raw) !== null) {
    return fail('expected a plain object');
  }
  const extra = Object.keys(raw).filter((key) => !keys.includes(key));
  if (extra.length > 0) return fail(`unexpected field ${JSON.stringify(extra[0]!.slice(0, 40))}`);
  return ok(raw as Record<string, unknown>);
}

function text(value: unknown, name: string, max = MAX_TEXT): Result<string, string> {
  if (typeof value !== 'string') return fail(`${name} must be a string`);
  if (value.length > max) return fail(`${name} is longer than ${max} characters`);
  return ok(value);
}

const REQUEST_ID = /^[A-Za-z0-9-]{1,64}$/;

function identifier(value: unknown, name: string): Result<string, string> {
  return typeof value === 'string' && REQUEST_ID.test(value)
    ? ok(value)
    : fail(`${name} must be 1 to 64 letters, digits or dashes`);
}

function requestId(value: unknown): Result<string, string> {
  return identifier(value, 'requestId');
}

function wholeNumber(
  value: unknown,
  name: string,
  min: number,
  max: number,
): Result<number, string> {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max
    ? ok(value)
    : fail(`${name} must be a whole number from ${min} to ${max}`);
}

function textList(
  value: unknown,
  name: string,
  maxItems: number,
  maxLength: number,
): Result<string[], string> {
  if (!Array.isArray(value)) return fail(`${name} must be a list`);
  if (value.length === 0 || value.length > maxItems) {
    return fail(`${name} must hold 1 to ${maxItems} items`);
  }
  for (const item of value) {
    const checked = text(item, `each of ${name}`, maxLength);
    if (!checked.ok) return checked;
  }
  return ok(value as string[]);
}

function object<T>(
  keys: readonly string[],
  build: (o: Record<string, unknown>) => Result<T, string>,
): Check<T> {
  return (raw) => {
    const o = record(raw ?? {}, keys);
    return o.ok ? build(o.value) : o;
  };
}

function all<T>(parts: Result<unknown, string>[], value: () => T): Result<T, string> {
  for (const part of parts) if (!part.ok) return part;
  return ok(value());
}

/** One checker per request channel; main refuses a message whose checker fails. */
/** The longest history search main takes; the window's search box holds no more. */
export const HISTORY_QUERY_MAX = 200;

export const ARG_CHECKS: { [C in RequestChannel]: Check<RequestArgs<C>> } = {
  'activation:get-cid': object(['requestId', 'iid', 'force'], (o) =>
    all(
      [
        requestId(o.requestId),
        text(o.iid, 'iid'),
        typeof o.force === 'boolean' ? ok(o.force) : fail('force must be a boolean'),
      ],
      () => ({ requestId: o.requestId as string, iid: o.iid as string, force: o.force as boolean }),
    ),
  ),
  'activation:remaining': object(['requestId', 'pid'], (o) =>
    all([requestId(o.requestId), text(o.pid, 'pid', 200)], () => ({
      requestId: o.requestId as string,
      pid: o.pid as string,
    })),
  ),
  'activation:cancel': object(['requestId'], (o) =>
    all([requestId(o.requestId)], () => ({ requestId: o.requestId as string })),
  ),
  'settings:get': object([], () => ok({})),
  'settings:save': object(['pid', 'timeoutSeconds', 'demoMode'], (o) =>
    all(
      [
        o.pid === null ? ok(null) : text(o.pid, 'pid', 200),
        typeof o.timeoutSeconds === 'number' && Number.isFinite(o.timeoutSeconds)
          ? ok(o.timeoutSeconds)
          : fail('timeoutSeconds must be a number'),
        typeof o.demoMode === 'boolean' ? ok(o.demoMode) : fail('demoMode must be a boolean'),
      ],
      () => ({
        pid: o.pid as string | null,
        timeoutSeconds: o.timeoutSeconds as number,
        demoMode: o.demoMode as boolean,
      }),
    ),
  ),
  'app:info': object([], () => ok({})),
  'app:open-external': object(['url'], (o) =>
    all([text(o.url, 'url', 2048)], () => ({ url: o.url as string })),
  ),
  'app:notices': object([], () => ok({})),
  'history:list': object(['query', 'limit', 'offset'], (o) =>
    all(
      [
        text(o.query, 'query', HISTORY_QUERY_MAX),
        wholeNumber(o.limit, 'limit', 1, 1000),
        wholeNumber(o.offset, 'offset', 0, 10_000_000),
      ],
      () => ({ query: o.query as string, limit: o.limit as number, offset: o.offset as number }),
    ),
  ),
  'history:delete': object(['id'], (o) =>
    all([identifier(o.id, 'id')], () => ({ id: o.id as string })),
  ),
  'history:export': object(['query'], (o) =>
    all([text(o.query, 'query', HISTORY_QUERY_MAX)], () => ({ query: o.query as string })),
  ),
  'batch:open-file': object([], () => ok({})),
  'batch:run': object(['batchId', 'iids', 'force'], (o) =>
    all(
      [
        identifier(o.batchId, 'batchId'),
        textList(o.iids, 'iids', BATCH_MAX_IIDS, 200),
        typeof o.force === 'boolean' ? ok(o.force) : fail('force must be a boolean'),
      ],
      () => ({ batchId: o.batchId as string, iids: o.iids as string[], force: o.force as boolean }),
    ),
  ),
  'batch:cancel': object(['batchId'], (o) =>
    all([identifier(o.batchId, 'batchId')], () => ({ batchId: o.batchId as string })),
  ),
  'batch:export': object(['batchId'], (o) =>
    all([identifier(o.batchId, 'batchId')], () => ({ batchId: o.batchId as string })),
  ),
};
