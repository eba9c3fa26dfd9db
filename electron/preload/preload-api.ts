import {
  API_EVENTS,
  API_METHODS,
  type CidDeskApi,
  type EventChannel,
  type IpcEvents,
  type RequestChannel,
} from '../../shared/ipc';

/** Sends a request to main and resolves with its answer (ipcRenderer.invoke). */
export type Invoke = (channel: RequestChannel, args: unknown) => Promise<unknown>;

/** Listens to an event from main with the Electron event object already removed; returns the unsubscribe. */
export type Subscribe = <E extends EventChannel>(
  channel: E,
  listener: (payload: IpcEvents[E]) => void,
) => () => void;

/** How many menu commands are kept for a window that does not listen yet. */
export const EARLY_COMMANDS_KEPT = 8;

/**
 * Menu commands that arrive before the window listens: a command that opens a new window (View ›
 * History with no window open, on macOS) is sent as the page finishes loading, which can be
 * before React has subscribed. They are kept, a few at most, and handed to the first listener.
 * Other events (batch progress) are only meaningful to a view already listening.
 */
function earlyCommands(subscribe: Subscribe) {
  type Command = IpcEvents['app:command'];
  const listeners = new Set<(command: Command) => void>();
  const early: Command[] = [];
  subscribe('app:command', (command) => {
    if (listeners.size > 0) for (const listener of [...listeners]) listener(command);
    else if (early.length < EARLY_COMMANDS_KEPT) early.push(command);
  });
  return (listener: (command: Command) => void): (() => void) => {
    listeners.add(listener);
    const kept = early.splice(0);
    // After the subscriber has its unsubscribe function, as an event from main would come.
    if (kept.length > 0) {
      queueMicrotask(() => {
        for (const command of kept) if (listeners.has(listener)) listener(command);
      });
    }
    return () => {
      listeners.delete(listener);
    };
  };
}

/**
 * The object the window sees as `window.cidDesk`: one method per request channel and one
 * subscription per event channel of the contract, and nothing else.
 */
export function createApi(invoke: Invoke, subscribe: Subscribe): CidDeskApi {
  const api: Record<string, unknown> = {};
  for (const [method, channel] of Object.entries(API_METHODS)) {
    api[method] = (args: unknown) => invoke(channel, args);
  }
  const onCommand = earlyCommands(subscribe);
  for (const [method, channel] of Object.entries(API_EVENTS)) {
    api[method] = (listener: (payload: IpcEvents[typeof channel]) => void) => {
      if (typeof listener !== 'function') throw new TypeError(`${method} needs a function`);
      if (channel === 'app:command') {
        return onCommand(listener as (command: IpcEvents['app:command']) => void);
      }
      return subscribe(channel, listener);
    };
  }
  // The mapped type CidDeskApi cannot be built key by key; the loops above cover every key of
  // API_METHODS and API_EVENTS, from which CidDeskApi is derived, so the shapes agree.
  return Object.freeze(api) as CidDeskApi;
}
