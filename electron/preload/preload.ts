/**
 * The sandboxed preload: the only code that touches ipcRenderer. It exposes the contract's API
 * on `window.cidDesk` and nothing else; it is bundled into one CommonJS file with no Node imports.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { API_KEY, type CidDeskApi } from '../../shared/ipc';
import { createApi } from './preload-api';

const api: CidDeskApi = createApi(
  (channel, args) => ipcRenderer.invoke(channel, args),
  (channel, listener) => {
    // The Electron event object never reaches the page: it carries `sender`, i.e. ipcRenderer.
    const strip = (_event: IpcRendererEvent, payload: unknown): void =>
      listener(payload as Parameters<typeof listener>[0]);
    ipcRenderer.on(channel, strip);
    return () => {
      ipcRenderer.removeListener(channel, strip);
    };
  },
);

contextBridge.exposeInMainWorld(API_KEY, api);
