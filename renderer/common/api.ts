/**
 * The window's only ways out: the preload bridge to the main process and the clipboard.
 * Components take both from context, so tests hand them fakes and no module is mocked.
 */
import { createContext, useContext } from 'react';
import { makeError, type CidDeskError } from '../../shared/errors';
import { API_KEY, type CidDeskApi } from '../../shared/ipc';

export interface ClipboardWriter {
  writeText(text: string): Promise<void>;
}

export interface Environment {
  api: CidDeskApi;
  clipboard: ClipboardWriter;
}

/** The bridge the preload exposed on `window.cidDesk`, or null when the page runs outside CID Desk. */
export function findBridge(host: object = window): CidDeskApi | null {
  const bridge: unknown = Reflect.get(host, API_KEY);
  return typeof bridge === 'object' && bridge !== null ? (bridge as CidDeskApi) : null;
}

/** The system clipboard, through the web API Chromium gives the window. */
export const systemClipboard: ClipboardWriter = {
  writeText: (text) => navigator.clipboard.writeText(text),
};

export const EnvironmentContext = createContext<Environment | null>(null);

/** The environment the app was started with; components below <App> always have one. */
export function useEnvironment(): Environment {
  const environment = useContext(EnvironmentContext);
  if (!environment) throw new Error('useEnvironment() is used outside <App>.');
  return environment;
}

/** What to do when a call to main got no answer and nothing can have happened. */
export const RETRY_ADVICE = 'Try again. If this keeps happening, restart CID Desk.';

/**
 * The error shown when a call to main rejects instead of answering: the bridge or main broke.
 * `advice` says what the user can do, and whether something may have happened all the same.
 */
export function noAnswerError(cause: unknown, advice: string): CidDeskError {
  return makeError(
    'unexpected-response',
    "The window got no answer from CID Desk's main process.",
    advice,
    { detail: cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause) },
  );
}
