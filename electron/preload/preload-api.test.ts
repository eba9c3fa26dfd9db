import { describe, expect, it } from 'vitest';
import { API_EVENTS, API_METHODS } from '../../shared/ipc';
import { createApi, EARLY_COMMANDS_KEPT, type Subscribe } from './preload-api';

function build() {
  const invoked: [string, unknown][] = [];
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const subscribe: Subscribe = (channel, listener) => {
    const set = listeners.get(channel) ?? new Set();
    listeners.set(channel, set);
    const wrapped = listener as (payload: unknown) => void;
    set.add(wrapped);
    return () => set.delete(wrapped);
  };
  const api = createApi(async (channel, args) => {
    invoked.push([channel, args]);
    return `answer to ${channel}`;
  }, subscribe);
  const emit = (channel: string, payload: unknown) =>
    listeners.get(channel)?.forEach((l) => l(payload));
  return { api, invoked, emit, listeners };
}

describe('createApi', () => {
  it('has one method per request channel and one subscription per event, and nothing else', () => {
    const { api } = build();
    expect(Object.keys(api).sort()).toEqual(
      [...Object.keys(API_METHODS), ...Object.keys(API_EVENTS)].sort(),
    );
    expect(Object.isFrozen(api)).toBe(true);
  });

  it('invokes the channel of each method with the argument as given', async () => {
    const { api, invoked } = build();
    for (const [method, channel] of Object.entries(API_METHODS)) {
      const call = api[method as keyof typeof API_METHODS] as (a: unknown) => Promise<unknown>;
      await expect(call({ marker: method })).resolves.toBe(`answer to ${channel}`);
    }
    expect(invoked).toEqual(
      Object.entries(API_METHODS).map(([method, channel]) => [channel, { marker: method }]),
    );
  });

  it('delivers event payloads to a subscriber until it unsubscribes', () => {
    const { api, emit } = build();
    const seen: unknown[] = [];
    const off = api.onCommand((command) => seen.push(command));
    emit('app:command', 'settings');
    off();
    emit('app:command', 'new');
    expect(seen).toEqual(['settings']);
  });

  it('refuses a subscription without a function', () => {
    const { api, listeners } = build();
    expect(() => (api.onCommand as (l: unknown) => void)('not a function')).toThrow(
      new TypeError('onCommand needs a function'),
    );
    expect(() => (api.onBatchProgress as (l: unknown) => void)(null)).toThrow(
      new TypeError('onBatchProgress needs a function'),
    );
    // Only the API's own listener for menu commands, none for progress.
    expect(listeners.get('app:command')?.size).toBe(1);
    expect(listeners.get('batch:progress')).toBeUndefined();
  });

  it('keeps menu commands sent before the window listens, for its first listener only', async () => {
    const { api, emit } = build();
    // A command opening a new window arrives as the page loads, before React subscribes.
    emit('app:command', 'history');
    emit('app:command', 'settings');
    const first: unknown[] = [];
    const second: unknown[] = [];
    api.onCommand((command) => first.push(command));
    api.onCommand((command) => second.push(command));
    await Promise.resolve();
    expect(first).toEqual(['history', 'settings']);
    expect(second).toEqual([]);
    emit('app:command', 'about');
    expect(first).toEqual(['history', 'settings', 'about']);
    expect(second).toEqual(['about']);
  });

  it('keeps only a few, and none for a listener that left at once', async () => {
    const { api, emit } = build();
    for (let n = 0; n < EARLY_COMMANDS_KEPT + 5; n += 1) emit('app:command', `c${n}`);
    const seen: unknown[] = [];
    api.onCommand((command) => seen.push(command));
    await Promise.resolve();
    expect(seen).toHaveLength(EARLY_COMMANDS_KEPT);
    expect(seen[0]).toBe('c0');

    const late = build();
    late.emit('app:command', 'new');
    const gone: unknown[] = [];
    late.api.onCommand((command) => gone.push(command))();
    await Promise.resolve();
    expect(gone).toEqual([]);
  });

  it('does not keep batch progress for a view that does not listen yet', () => {
    const { api, emit } = build();
    emit('batch:progress', { batchId: 'b', index: 0 });
    const seen: unknown[] = [];
    api.onBatchProgress((progress) => seen.push(progress));
    emit('batch:progress', { batchId: 'b', index: 1 });
    expect(seen).toEqual([{ batchId: 'b', index: 1 }]);
  });
});
