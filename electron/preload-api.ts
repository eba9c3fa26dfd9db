import {
  API_EVENTS,
  API_METHODS,
  type CidDeskApi,
  type EventChannel,
  type IpcEvents,
  type RequestChannel,
} from '../shared/ipc';

/** Sends a request to main and resolves with its answer (ipcRenderer.invoke). */
export type Invoke = (channel: RequestChannel, args: unknown) => Promise<unknown>;

/** Listens to an event from main with the Electron event object already removed; returns the unsubscribe. */
export type Subscribe = <E extends EventChannel>(
  channel: E,
  listener: (payload: IpcEvents[E]) => void,
) => () => void;

/**
 * The object the window sees as `window.cidDesk`: one method per request channel and one
 * subscription per event channel of the contract, and nothing else.
 */
export function createApi(invoke: Invoke, subscribe: Subscribe): CidDeskApi {
  const api: Record<string, unknown> = {};
  for (const [method, channel] of Object.entries(API_METHODS)) {
    api[method] = (args: unknown) => invoke(channel, args);
  }
  for (const [method, channel] of Object.entries(API_EVENTS)) {
    api[method] = (listener: (payload: IpcEvents[typeof channel]) => void) => {
      if (typeof listener !== 'function') throw new TypeError(`${method} needs a function`);
      return subscribe(channel, listener);
    };
  }
  // The mapped type CidDeskApi cannot be built key by key; the loops above cover every key of
  // API_METHODS and API_EVENTS, from which CidDeskApi is derived, so the shapes agree.
  return Object.freeze(api) as CidDeskApi;
}
