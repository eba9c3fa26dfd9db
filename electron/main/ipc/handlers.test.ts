import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CidOutcome, RemainingOutcome } from '../../../shared/activation';
import { makeError } from '../../../shared/errors';
import type { AppInfo, RequestArgs } from '../../../shared/ipc';
import { DEFAULT_SETTINGS, type Settings } from '../../../shared/settings';
import type {
  ActivationService,
  GetCidInput,
  GetRemainingInput,
} from '../../activation/activation-service';
import { createHandlers, type HandlerDeps } from './handlers';
import { lazyHistory } from '../../history/history-access';
import { ShowableError } from './ipc-main';
import { EXTERNAL_LINKS } from '../security';
import { createSettingsStore, type SettingsStore } from '../settings-store';

const IID = '722119691970404081693740409628143723123533522755522747247236561';
const PID = '55041-00172-033-600075-03-1033-7601.0000-1412012';
const CID_OK: CidOutcome = {
  ok: true,
  iid: IID,
  pid: PID,
  cid: '062722477945868792870895165923782876591463700690',
  groups: ['062722', '477945', '868792', '870895', '165923', '782876', '591463', '700690'],
  fromHistory: false,
  obtainedAt: '2025-06-01T12:00:00.000Z',
};
const APP_INFO: AppInfo = {
  name: 'CID Desk',
  version: '1.2.3',
  licence: 'MIT',
  electron: '45.5.0',
  chrome: '140',
  node: '22',
  platform: 'linux x64',
};
const cancelled: CidOutcome = {
  ok: false,
  error: makeError('network', 'cancelled', 'again', { cause: 'cancelled' }),
};

/** A fake service whose answers the test releases one by one. */
function gatedService() {
  const cidCalls: GetCidInput[] = [];
  const remainingCalls: GetRemainingInput[] = [];
  const release = new Map<string, (outcome: CidOutcome) => void>();
  const service: ActivationService = {
    getCid: (input) => {
      cidCalls.push(input);
      return new Promise((resolve) => {
        release.set(input.iid, resolve);
        input.signal?.addEventListener('abort', () => resolve(cancelled));
      });
    },
    getRemaining: async (input) => {
      remainingCalls.push(input);
      return { ok: true, pid: input.pid, remaining: 5 } satisfies RemainingOutcome;
    },
    pending: () => 0,
    idle: async () => {},
  };
  return { service, cidCalls, remainingCalls, release };
}

let dir: string;
let settings: SettingsStore;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'cid-desk-handlers-'));
  settings = createSettingsStore({ dir });
  // Loaded up front, so a request reaches the service within one turn of the event loop.
  await settings.load();
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function setup(overrides: Partial<HandlerDeps> = {}) {
  const fake = gatedService();
  const opened: string[] = [];
  const servicesFor: Settings[] = [];
  const set = createHandlers({
    settings,
    getService: (s) => {
      servicesFor.push(s);
      return fake.service;
    },
    appInfo: APP_INFO,
    openExternal: async (url) => {
      opened.push(url);
    },
    notices: async () => [],
    history: lazyHistory(dir),
    chooseSavePath: async () => null,
    chooseOpenPath: async () => null,
    emit: () => {},
    ...overrides,
  });
  return { ...set, ...fake, opened, servicesFor };
}

const getCid = (args: Partial<RequestArgs<'activation:get-cid'>> = {}) => ({
  requestId: 'r-1',
  iid: IID,
  force: false,
  ...args,
});

/** Lets pending promise callbacks run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('activation:get-cid', () => {
  it('asks the service built from the current settings, with their PID, and returns its outcome', async () => {
    await settings.save({ pid: PID, timeoutSeconds: 45, demoMode: true });
    const { handlers, release, cidCalls, servicesFor } = setup();
    const answer = handlers['activation:get-cid'](getCid({ force: true }));
    await settle();
    release.get(IID)!(CID_OK);
    expect(await answer).toBe(CID_OK);
    expect(servicesFor).toEqual([{ pid: PID, timeoutSeconds: 45, demoMode: true }]);
    expect(cidCalls).toHaveLength(1);
    expect(cidCalls[0]).toMatchObject({ iid: IID, pid: PID, force: true });
    expect(cidCalls[0]!.signal).toBeInstanceOf(AbortSignal);
  });

  it('refuses a second request with a requestId that is still running, without asking the service', async () => {
    const { handlers, release, cidCalls, running } = setup();
    const first = handlers['activation:get-cid'](getCid());
    await settle();
    const second = await handlers['activation:get-cid'](getCid({ iid: `${IID}0` }));
    expect(second).toEqual({
      ok: false,
      error: makeError(
        'invalid-input',
        'Request r-1 is already running, so it was not sent a second time.',
        'Wait for its answer; it appears as soon as the service replies.',
      ),
    });
    expect(cidCalls).toHaveLength(1);
    expect(running()).toEqual(['r-1']);
    release.get(IID)!(CID_OK);
    expect(await first).toBe(CID_OK);
    expect(running()).toEqual([]);
  });

  it('cancels exactly the request named, and only while it runs', async () => {
    const { handlers, release, cidCalls } = setup();
    const one = handlers['activation:get-cid'](getCid({ requestId: 'one', iid: 'A' }));
    const two = handlers['activation:get-cid'](getCid({ requestId: 'two', iid: 'B' }));
    await settle();
    expect(await handlers['activation:cancel']({ requestId: 'one' })).toBe(true);
    expect(await one).toBe(cancelled);
    expect(cidCalls[0]!.signal!.aborted).toBe(true);
    expect(cidCalls[1]!.signal!.aborted).toBe(false);
    expect(await handlers['activation:cancel']({ requestId: 'one' })).toBe(false);
    expect(await handlers['activation:cancel']({ requestId: 'never' })).toBe(false);
    release.get('B')!(CID_OK);
    expect(await two).toBe(CID_OK);
    expect(await handlers['activation:cancel']({ requestId: 'two' })).toBe(false);
  });

  it('sends nothing when cancelled while the service is still being prepared', async () => {
    let ready!: (service: ActivationService) => void;
    const fake = gatedService();
    const { handlers } = setup({ getService: () => new Promise((resolve) => (ready = resolve)) });
    const answer = handlers['activation:get-cid'](getCid());
    await settle();
    expect(await handlers['activation:cancel']({ requestId: 'r-1' })).toBe(true);
    ready(fake.service);
    const outcome = await answer;
    expect(fake.cidCalls).toHaveLength(0);
    expect(outcome).toEqual({
      ok: false,
      error: makeError(
        'network',
        'The request was cancelled before it was sent.',
        'Send it again when you are ready.',
        { cause: 'cancelled', mayHaveReachedService: false },
      ),
    });
  });

  it('turns a service that throws into a failure that warns the request may have been sent', async () => {
    const logged: unknown[] = [];
    const { handlers, running } = setup({
      getService: () => ({
        getCid: () => Promise.reject(new Error('socket hang up')),
        getRemaining: () => Promise.reject(new Error('unused')),
        pending: () => 0,
        idle: async () => {},
      }),
      log: (_m, e) => logged.push(e),
    });
    const outcome = await handlers['activation:get-cid'](getCid());
    expect(outcome.ok).toBe(false);
    expect(!outcome.ok && outcome.error).toEqual(
      makeError(
        'unexpected-response',
        'CID Desk hit an internal problem with this request.',
        'The request may have reached the service. Check the history before you try again, so no activation is spent twice.',
        { mayHaveReachedService: true, detail: 'socket hang up' },
      ),
    );
    expect(logged).toEqual([new Error('socket hang up')]);
    expect(running()).toEqual([]);
  });

  it('says nothing was sent when the service could not even be prepared', async () => {
    const { handlers } = setup({ getService: () => Promise.reject(new Error('port in use')) });
    const outcome = await handlers['activation:get-cid'](getCid());
    expect(!outcome.ok && outcome.error.mayHaveReachedService).toBe(false);
    expect(!outcome.ok && outcome.error.advice).toBe('Nothing was sent. Try again.');
  });

  it('shows a failure written for the user as it is, e.g. a bad endpoint setting', async () => {
    const detail = makeError('invalid-input', 'The endpoint is empty.', 'Unset it.');
    const { handlers, cidCalls } = setup({
      getService: () => Promise.reject(new ShowableError(detail)),
    });
    expect(await handlers['activation:get-cid'](getCid())).toEqual({ ok: false, error: detail });
    expect(cidCalls).toEqual([]);
  });
});

describe('activation:remaining', () => {
  it('asks the service with the PID given and a signal, under its own requestId', async () => {
    const { handlers, remainingCalls } = setup();
    expect(await handlers['activation:remaining']({ requestId: 'q', pid: PID })).toEqual({
      ok: true,
      pid: PID,
      remaining: 5,
    });
    expect(remainingCalls[0]).toMatchObject({ pid: PID });
    expect(remainingCalls[0]!.signal).toBeInstanceOf(AbortSignal);
  });

  it('shares the running requestIds with CID requests', async () => {
    const { handlers, remainingCalls, release } = setup();
    const cid = handlers['activation:get-cid'](getCid({ requestId: 'same' }));
    await settle();
    const remaining = await handlers['activation:remaining']({ requestId: 'same', pid: PID });
    expect(remaining.ok).toBe(false);
    expect(remainingCalls).toHaveLength(0);
    release.get(IID)!(CID_OK);
    await cid;
  });
});

describe('settings', () => {
  it('reads the defaults, saves valid settings to settings.json and reads them back', async () => {
    const { handlers } = setup();
    expect(await handlers['settings:get']({})).toEqual(DEFAULT_SETTINGS);
    const next = { pid: PID, timeoutSeconds: 10, demoMode: true };
    expect(await handlers['settings:save'](next)).toEqual({ ok: true, settings: next });
    expect(JSON.parse(await readFile(path.join(dir, 'settings.json'), 'utf8'))).toEqual(next);
    expect(await handlers['settings:get']({})).toEqual(next);
  });

  it('refuses invalid settings with the problems and keeps the old ones', async () => {
    const { handlers } = setup();
    const result = await handlers['settings:save']({
      pid: null,
      timeoutSeconds: 1,
      demoMode: true,
    });
    expect(result).toEqual({
      ok: false,
      problems: { timeoutSeconds: 'The timeout must be a whole number of seconds from 5 to 300.' },
    });
    expect(await handlers['settings:get']({})).toEqual(DEFAULT_SETTINGS);
  });
});

describe('app', () => {
  it('reports the app information', async () => {
    const { handlers } = setup();
    expect(await handlers['app:info']({})).toEqual(APP_INFO);
  });

  it('opens only allow-listed pages, in the browser', async () => {
    const { handlers, opened } = setup();
    expect(await handlers['app:open-external']({ url: EXTERNAL_LINKS.slmgr })).toBe(true);
    expect(await handlers['app:open-external']({ url: 'https://evil.example/' })).toBe(false);
    expect(
      await handlers['app:open-external']({ url: 'file:///C:/Windows/System32/calc.exe' }),
    ).toBe(false);
    expect(opened).toEqual([EXTERNAL_LINKS.slmgr]);
  });
});

describe('cancelBatches', () => {
  it('cancels the batches started through the handlers: rows not yet sent are not sent', async () => {
    const { handlers, cancelBatches, cidCalls } = setup({ concurrency: 1 });
    const other = '164250138502125733434071212457470221520147306331';
    const batch = handlers['batch:run']({ batchId: 'b-1', iids: [IID, other], force: false });
    await settle();
    expect(cidCalls.map((call) => call.iid)).toEqual([IID]);
    expect(cancelBatches()).toBe(1);
    expect(await batch).toMatchObject({ ok: true, summary: { total: 2, cancelled: 1 } });
    expect(cidCalls).toHaveLength(1);
    expect(cancelBatches()).toBe(0);
  });
});
