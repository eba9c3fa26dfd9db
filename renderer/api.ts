/**
 * The window's only ways out: the preload bridge to the main process and the clipboard.
 * Components take both from context, so tests hand them fakes and no module is mocked.
 */
import { createContext, useContext } from 'react';
import { API_KEY, type CidDeskApi } from '../shared/ipc';

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
