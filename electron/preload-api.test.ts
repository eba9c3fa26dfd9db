import { describe, expect, it } from 'vitest';
import { API_EVENTS, API_METHODS } from '../shared/ipc';
import { createApi, type Subscribe } from './preload-api';

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
    expect(listeners.size).toBe(0);
  });
});
