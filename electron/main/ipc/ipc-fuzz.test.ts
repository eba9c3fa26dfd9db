/**
 * Every request channel of the window's contract, hit through dispatch() with arguments no honest
 * window sends: wrong types, missing and extra fields, megabyte strings, arrays, null, keys such
 * as __proto__ and constructor, deep nesting, NaN and Infinity, objects of other classes, random
 * values, more than one argument, and a sender that is not our window. Each must be refused with
 * an IpcRefusedError before any handler runs, and nothing may reach the activation service.
 *
 * The handlers are the real ones (real settings store, history and activation service against the
 * local simulator), each wrapped so that a call to it is recorded.
 *
 * Runs are fixed by seed and count; FUZZ_RUNS (and FUZZ_SEED) in the environment run longer.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BATCH_MAX_IIDS } from '../../../shared/batch';
import {
  API_METHODS,
  ARG_CHECKS,
  type AppInfo,
  type RequestArgs,
  type RequestChannel,
} from '../../../shared/ipc';
import { SAMPLE_PID, SAMPLE_SUCCESS } from '../../../shared/protocol-samples';
import { createActivationService } from '../../activation/activation-service';
import { createHandlers } from './handlers';
import { lazyHistory } from '../../history/history-access';
import {
  dispatch,
  IpcRefusedError,
  isTrustedSender,
  type Handler,
  type Handlers,
  type SenderInfo,
} from './ipc-main';
import { EXTERNAL_LINKS } from '../security';
import { createSettingsStore } from '../settings-store';
import { startSimulator, type Simulator } from '../../simulator/simulator';
import { runs, TEST_TIMEOUT } from '../../../shared/test-support/fuzz';

// ---------------------------------------------------------------------------------------------
// The contract as this test reads it, written out apart from shared/ipc.ts: per channel, one
// argument the window may send, and what each field must be.

type Field =
  | { type: 'id' }
  | { type: 'text'; max: number }
  | { type: 'text-or-null'; max: number }
  | { type: 'boolean' }
  | { type: 'whole'; min: number; max: number }
  | { type: 'finite' }
  | { type: 'texts'; maxItems: number; maxLength: number };

interface ChannelSpec<C extends RequestChannel> {
  /** An argument the window may send; sending it would run the handler. */
  valid: RequestArgs<C>;
  fields: Record<string, Field>;
}

const ID: Field = { type: 'id' };
const BOOLEAN: Field = { type: 'boolean' };

/** Typed per channel, so a channel added to the contract and not here fails the type check. */
const CONTRACT: { [C in RequestChannel]: ChannelSpec<C> } = {
  'activation:get-cid': {
    // A real, valid IID: if this ever reached the handler, the simulator would see a request.
    valid: { requestId: 'r-1', iid: SAMPLE_SUCCESS.iid, force: false },
    fields: { requestId: ID, iid: { type: 'text', max: 4096 }, force: BOOLEAN },
  },
  'activation:remaining': {
    valid: { requestId: 'r-2', pid: SAMPLE_PID },
    fields: { requestId: ID, pid: { type: 'text', max: 200 } },
  },
  'activation:cancel': { valid: { requestId: 'r-1' }, fields: { requestId: ID } },
  'settings:get': { valid: {}, fields: {} },
  'settings:save': {
    valid: { pid: null, timeoutSeconds: 30, demoMode: false },
    fields: {
      pid: { type: 'text-or-null', max: 200 },
      timeoutSeconds: { type: 'finite' },
      demoMode: BOOLEAN,
    },
  },
  'app:info': { valid: {}, fields: {} },
  'app:open-external': {
    valid: { url: EXTERNAL_LINKS.phoneActivation },
    fields: { url: { type: 'text', max: 2048 } },
  },
  'app:notices': { valid: {}, fields: {} },
  'history:list': {
    valid: { query: '', limit: 50, offset: 0 },
    fields: {
      query: { type: 'text', max: 200 },
      limit: { type: 'whole', min: 1, max: 1000 },
      offset: { type: 'whole', min: 0, max: 10_000_000 },
    },
  },
  'history:delete': { valid: { id: 'entry-1' }, fields: { id: ID } },
  'history:export': { valid: { query: '' }, fields: { query: { type: 'text', max: 200 } } },
  'batch:open-file': { valid: {}, fields: {} },
  'batch:run': {
    valid: { batchId: 'b-1', iids: [SAMPLE_SUCCESS.iid], force: false },
    fields: {
      batchId: ID,
      iids: { type: 'texts', maxItems: BATCH_MAX_IIDS, maxLength: 200 },
      force: BOOLEAN,
    },
  },
  'batch:cancel': { valid: { batchId: 'b-1' }, fields: { batchId: ID } },
  'batch:export': { valid: { batchId: 'b-1' }, fields: { batchId: ID } },
};

const CHANNELS = Object.keys(CONTRACT) as RequestChannel[];

function fieldAccepts(field: Field, value: unknown): boolean {
  switch (field.type) {
    case 'id':
      return typeof value === 'string' && /^[A-Za-z0-9-]{1,64}$/.test(value);
    case 'text':
      return typeof value === 'string' && value.length <= field.max;
    case 'text-or-null':
      return value === null || (typeof value === 'string' && value.length <= field.max);
    case 'boolean':
      return typeof value === 'boolean';
    case 'whole':
      return (
        typeof value === 'number' &&
        Number.isInteger(value) &&
        value >= field.min &&
        value <= field.max
      );
    case 'finite':
      return typeof value === 'number' && Number.isFinite(value);
    case 'texts':
      return (
        Array.isArray(value) &&
        value.length >= 1 &&
        value.length <= field.maxItems &&
        value.every((item) => typeof item === 'string' && item.length <= field.maxLength)
      );
  }
}

/**
 * Whether the contract admits `raw` as a channel's one argument. A missing argument (undefined,
 * and null with it) counts as an empty object, as the preload sends `undefined` for the channels
 * that take nothing; for every other channel that then fails on the missing fields.
 */
function accepts(channel: RequestChannel, raw: unknown): boolean {
  const { fields } = CONTRACT[channel];
  const value = raw ?? {};
  if (typeof value !== 'object' || Array.isArray(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return false;
  if (Object.keys(value).some((key) => !Object.hasOwn(fields, key))) return false;
  return Object.entries(fields).every(([name, field]) =>
    fieldAccepts(field, (value as Record<string, unknown>)[name]),
  );
}

// ---------------------------------------------------------------------------------------------
// Values no honest window sends.

const MEGABYTE = 1024 * 1024;
const HUGE_TEXT = 'a'.repeat(MEGABYTE);
const HUGE_DIGITS = '7'.repeat(MEGABYTE);

function nested(depth: number, wrap: (inner: unknown) => unknown): unknown {
  let value: unknown = {};
  for (let i = 0; i < depth; i += 1) value = wrap(value);
  return value;
}
const DEEP_OBJECT = nested(100_000, (inner) => ({ a: inner }));
const DEEP_ARRAY = nested(100_000, (inner) => [inner]);

/** An object with an own enumerable property of any name, `__proto__` included, as JSON.parse makes it. */
function withOwn(base: object, key: string, value: unknown): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...base };
  Object.defineProperty(copy, key, { value, enumerable: true, writable: true, configurable: true });
  return copy;
}

class RequestLike {
  constructor(readonly requestId: string) {}
}

const oddValues: unknown[] = [
  undefined,
  null,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  -0,
  0.5,
  -1,
  1e308,
  Number.MAX_SAFE_INTEGER + 2,
  '',
  ' ',
  'a b',
  '\u0000',
  HUGE_TEXT,
  HUGE_DIGITS,
  true,
  false,
  [],
  [null],
  {},
  DEEP_OBJECT,
  DEEP_ARRAY,
  new Date(0),
  new Map([['requestId', 'r-1']]),
  new Set(['r-1']),
  /r-1/,
  new Uint8Array(8),
  new Error('r-1'),
  new RequestLike('r-1'),
  Object.create(null),
  JSON.parse('{"__proto__": {"polluted": true}}'),
  10n,
  Symbol('r-1'),
  () => 'r-1',
];

const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(...oddValues),
  fc.jsonValue(),
  fc.anything({
    maxDepth: 3,
    withBoxedValues: true,
    withMap: true,
    withSet: true,
    withNullPrototype: true,
    withBigInt: true,
    withDate: true,
    withTypedArray: true,
    withSparseArray: true,
    key: fc.oneof(
      fc.string(),
      fc.constantFrom('__proto__', 'constructor', 'prototype', 'requestId', 'iid', 'force'),
    ),
  }),
);

/** Values that come close to a field's rule and break it. */
function nearMisses(field: Field): unknown[] {
  switch (field.type) {
    case 'id':
      return ['', 'a'.repeat(65), 'r 1', 'r_1', 'r-1\n', 'r\u00e9', '\uff52-1', ['r-1']];
    case 'text':
    case 'text-or-null':
      return ['a'.repeat(field.max + 1), HUGE_TEXT, ['x'], 12];
    case 'boolean':
      return ['true', 0, 1, 'false', null, new Boolean(false)];
    case 'whole':
      return [field.min - 1, field.max + 1, field.min + 0.5, String(field.min), Number.NaN];
    case 'finite':
      return [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, '30', null];
    case 'texts':
      return [
        [],
        'x',
        [1],
        ['x', null],
        ['a'.repeat(field.maxLength + 1)],
        Array.from({ length: field.maxItems + 1 }, () => 'x'),
        [HUGE_DIGITS],
      ];
  }
}

/** An argument the contract refuses for `channel`, built in one of several ways. */
function refusedArgument(channel: RequestChannel): fc.Arbitrary<unknown> {
  const { valid, fields } = CONTRACT[channel];
  const names = Object.keys(fields);
  const ways: fc.Arbitrary<unknown>[] = [
    // Anything at all in place of the argument.
    anyValue,
    // The valid argument with one more field, whatever its name.
    fc
      .tuple(
        fc.oneof(
          fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'then', '', ' '),
          fc.string(),
        ),
        anyValue,
      )
      .map(([key, value]) => withOwn(valid, key, value)),
    // The valid argument's fields under another prototype, or inherited instead of own.
    fc.constantFrom(Object.assign(Object.create({ polluted: true }), valid), Object.create(valid)),
    // Only the contract's field names, any values.
    fc.dictionary(fc.constantFrom(...(names.length > 0 ? names : ['x'])), anyValue),
  ];
  if (names.length > 0) {
    // The valid argument with one field wrong, or missing.
    ways.push(
      fc
        .constantFrom(...names)
        .chain((name) =>
          fc
            .oneof(anyValue, fc.constantFrom(...nearMisses(fields[name]!)))
            .map((value) => ({ ...valid, [name]: value })),
        ),
      fc.constantFrom(...names).map((name) => {
        const copy: Record<string, unknown> = { ...valid };
        delete copy[name];
        return copy;
      }),
    );
  }
  return fc.oneof(...ways).filter((raw) => !accepts(channel, raw));
}

// ---------------------------------------------------------------------------------------------

const APP_URL = 'file:///opt/cid-desk/resources/app.asar/dist/renderer/index.html';
const WINDOW: SenderInfo = { frameUrl: APP_URL, isMainFrame: true, webContentsId: 1 };
const isTrusted = (sender: SenderInfo) =>
  isTrustedSender(sender, { appUrl: APP_URL, isOwnWebContents: (id) => id === 1 });

const APP_INFO: AppInfo = {
  name: 'CID Desk',
  version: '0.0.0',
  licence: 'MIT',
  electron: '45',
  chrome: '140',
  node: '20',
  platform: 'linux x64',
};

let sim: Simulator;
let dir: string;
let handlers: Handlers;
/** Every call that reached a handler, and everything the handlers asked of the outside world. */
const reached: string[] = [];

/** Wraps every handler so that reaching it is recorded before it runs. */
function recorded(real: Handlers): Handlers {
  const wrap = <C extends RequestChannel>(channel: C): Handler<C> => {
    const handler: Handler<C> = real[channel];
    return (args) => {
      reached.push(channel);
      return handler(args);
    };
  };
  return Object.fromEntries(CHANNELS.map((channel) => [channel, wrap(channel)])) as Handlers;
}

beforeAll(async () => {
  sim = await startSimulator();
  dir = await mkdtemp(path.join(tmpdir(), 'cid-desk-ipc-fuzz-'));
  const history = lazyHistory(dir);
  const { handlers: real } = createHandlers({
    settings: createSettingsStore({ dir }),
    getService: (settings) =>
      createActivationService({
        fetch,
        endpoint: new URL(sim.url),
        timeoutMs: settings.timeoutSeconds * 1000,
        history: history.as('service'),
      }),
    appInfo: APP_INFO,
    openExternal: async (url) => {
      reached.push(`openExternal ${url}`);
    },
    notices: async () => [],
    history,
    chooseSavePath: async () => {
      reached.push('chooseSavePath');
      return null;
    },
    chooseOpenPath: async () => {
      reached.push('chooseOpenPath');
      return null;
    },
    emit: () => {
      reached.push('emit');
    },
  });
  handlers = recorded(real);
});
afterAll(async () => {
  await sim.close();
  await rm(dir, { recursive: true, force: true });
});
beforeEach(() => {
  reached.length = 0;
});

/** Dispatches as the window would; resolves with the refusal, or fails the test if there is none. */
async function refusal(
  channel: RequestChannel,
  args: readonly unknown[],
  sender: SenderInfo = WINDOW,
): Promise<IpcRefusedError> {
  try {
    await dispatch(channel, args, sender, handlers[channel], { isTrusted });
  } catch (error) {
    if (error instanceof IpcRefusedError) return error;
    throw new Error(`${channel} failed in another way than a refusal`, { cause: error });
  }
  throw new Error(`${channel} accepted ${describeArgs(args)}`);
}

function describeArgs(args: readonly unknown[]): string {
  try {
    return JSON.stringify(args, (_, value: unknown) =>
      typeof value === 'string' && value.length > 80 ? `${value.slice(0, 80)}…` : value,
    ).slice(0, 300);
  } catch {
    return `${args.length} argument(s)`;
  }
}

function expectNothingReached() {
  expect(reached).toEqual([]);
  expect(sim.requestCount).toBe(0);
}

/**
 * One run of a property: nothing may reach a handler or the simulator. Counted per run, so that
 * a run that did get through is the one reported, not every run after it.
 */
async function expectRefusedAlone(run: () => Promise<void>) {
  reached.length = 0;
  const requestsBefore = sim.requestCount;
  await run();
  expect(reached).toEqual([]);
  expect(sim.requestCount).toBe(requestsBefore);
}

describe('the valid arguments this file starts from', () => {
  it('pass the contract on every channel, so only the damage done to them is refused', async () => {
    const seen: unknown[] = [];
    for (const channel of CHANNELS) {
      const stub = async (args: unknown) => {
        seen.push(args);
        return undefined as never;
      };
      const { valid } = CONTRACT[channel];
      expect(accepts(channel, valid)).toBe(true);
      await dispatch(channel, [valid], WINDOW, stub, { isTrusted });
      expect(seen.pop()).toEqual(valid);
    }
    // Every channel of the contract is covered, and nothing else.
    expect([...CHANNELS].sort()).toEqual(Object.keys(ARG_CHECKS).sort());
    expect([...CHANNELS].sort()).toEqual([...Object.values(API_METHODS)].sort());
  });
});

describe('dispatch refuses what the contract does not admit', () => {
  it.each(CHANNELS)('%s: each kind of damage, one by one', async (channel) => {
    const { valid, fields } = CONTRACT[channel];
    const cases: unknown[] = oddValues.filter((value) => !accepts(channel, value));
    for (const [name, field] of Object.entries(fields)) {
      for (const value of [...nearMisses(field), ...oddValues]) {
        const damaged = { ...valid, [name]: value };
        if (!accepts(channel, damaged)) cases.push(damaged);
      }
      const missing: Record<string, unknown> = { ...valid };
      delete missing[name];
      cases.push(missing);
    }
    for (const key of ['__proto__', 'constructor', 'prototype', 'polluted']) {
      cases.push(withOwn(valid, key, { polluted: true }));
    }
    cases.push([valid], Object.create(valid));
    for (const raw of cases) {
      const error = await refusal(channel, [raw]);
      expect(error.message.startsWith(`${channel} was refused: `)).toBe(true);
    }
    expect(cases.length).toBeGreaterThan(oddValues.length / 2);
    expectNothingReached();
  });

  it(
    'random arguments, on every channel',
    async () => {
      const arbitrary = fc
        .constantFrom(...CHANNELS)
        .chain((channel) => refusedArgument(channel).map((raw) => ({ channel, raw })));
      await fc.assert(
        fc.asyncProperty(arbitrary, ({ channel, raw }) =>
          expectRefusedAlone(async () => {
            const error = await refusal(channel, [raw]);
            expect(error.message.startsWith(`${channel} was refused: `)).toBe(true);
          }),
        ),
        runs(1000),
      );
      expectNothingReached();
    },
    TEST_TIMEOUT,
  );

  it(
    'more than one argument, even when the first is valid',
    async () => {
      const arbitrary = fc.tuple(
        fc.constantFrom(...CHANNELS),
        fc.boolean(),
        fc.array(anyValue, { minLength: 1, maxLength: 3 }),
      );
      await fc.assert(
        fc.asyncProperty(arbitrary, ([channel, validFirst, more]) =>
          expectRefusedAlone(async () => {
            const first = validFirst ? CONTRACT[channel].valid : more[0];
            const error = await refusal(channel, [first, ...more]);
            expect(error.message).toBe(`${channel} was refused: it takes one argument.`);
          }),
        ),
        runs(300),
      );
      expectNothingReached();
    },
    TEST_TIMEOUT,
  );

  it('a valid argument from anyone but our own window', async () => {
    const strangers: SenderInfo[] = [
      { ...WINDOW, frameUrl: 'https://evil.example/index.html' },
      { ...WINDOW, frameUrl: 'file:///tmp/index.html' },
      { ...WINDOW, frameUrl: null },
      { ...WINDOW, isMainFrame: false },
      { ...WINDOW, webContentsId: 2 },
    ];
    for (const channel of CHANNELS) {
      for (const sender of strangers) {
        const error = await refusal(channel, [CONTRACT[channel].valid], sender);
        expect(error.message).toBe(
          `${channel} was refused: the message did not come from CID Desk's window.`,
        );
      }
    }
    expectNothingReached();
  });
});

describe('values the contract admits although they look odd', () => {
  // Recorded here so that a change to these rules is a decision, not an accident.
  it('takes null like a missing argument on the channels that take nothing', async () => {
    for (const channel of CHANNELS.filter((c) => Object.keys(CONTRACT[c].fields).length === 0)) {
      const seen: unknown[] = [];
      const stub = async (args: unknown) => {
        seen.push(args);
        return undefined as never;
      };
      await dispatch(channel, [null], WINDOW, stub, { isTrusted });
      await dispatch(channel, [], WINDOW, stub, { isTrusted });
      expect(seen).toEqual([{}, {}]);
    }
  });

  it('takes -0 as an offset of 0, and leaves timeouts the range check of the settings', async () => {
    const page = await dispatch(
      'history:list',
      [{ query: '', limit: 10, offset: -0 }],
      WINDOW,
      handlers['history:list'],
      { isTrusted },
    );
    expect(page).toEqual({ ok: true, total: 0, entries: [] });
    for (const timeoutSeconds of [-0, 0.5, 1e308]) {
      const saved = await dispatch(
        'settings:save',
        [{ pid: null, timeoutSeconds, demoMode: false }],
        WINDOW,
        handlers['settings:save'],
        { isTrusted },
      );
      expect(saved).toEqual({
        ok: false,
        problems: {
          timeoutSeconds: 'The timeout must be a whole number of seconds from 5 to 300.',
        },
      });
    }
    expect(reached).toEqual(['history:list', 'settings:save', 'settings:save', 'settings:save']);
    expect(sim.requestCount).toBe(0);
  });
});
