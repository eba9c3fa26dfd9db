/**
 * The only module that touches Electron's ipcMain. Every request is checked before a handler sees
 * it: the sender must be our own page in a window we created, and the argument must pass the
 * contract's run-time checker. The renderer is untrusted input.
 */
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import type { CidDeskError } from '../../../shared/errors';
import {
  ARG_CHECKS,
  type EventChannel,
  type IpcEvents,
  type RequestArgs,
  type RequestChannel,
  type RequestResult,
} from '../../../shared/ipc';
import { isAppUrl } from '../security';

/** The implementation of one request channel. */
export type Handler<C extends RequestChannel> = (args: RequestArgs<C>) => Promise<RequestResult<C>>;

/** An implementation for every request channel of the contract. */
export type Handlers = { [C in RequestChannel]: Handler<C> };

/** What main knows about who sent a message. */
export interface SenderInfo {
  /** The URL of the sending frame; null when the frame has gone away. */
  frameUrl: string | null;
  /** True for a window's top frame, false for an embedded frame. */
  isMainFrame: boolean;
  /** The id of the sending WebContents. */
  webContentsId: number;
}

export interface TrustPolicy {
  /**
   * The URL of our page: app://cid-desk/index.html (APP_ENTRY_URL),
   * which the app:// handler serves from dist/renderer/index.html.
   */
  appUrl: string;
  /** Whether a WebContents belongs to a window main created. */
  isOwnWebContents(id: number): boolean;
  /**
   * True on Windows and macOS: the app:// handler reads the page from a disk that ignores case
   * there, so a URL that differs from appUrl in case only loads the same page.
   */
  caseInsensitivePaths?: boolean;
}

/** Logs a failure for support; never given arguments, which may hold a user's IDs. */
export type Log = (message: string, error?: unknown) => void;

/** An error whose message was written for the user; it crosses to the window as it is. */
export class ShowableError extends Error {
  override readonly name: string = 'ShowableError';
  constructor(readonly detail: CidDeskError) {
    super(`${detail.message} ${detail.advice}`);
  }
}

/** A request main would not run: untrusted sender or malformed argument. */
export class IpcRefusedError extends Error {
  override readonly name = 'IpcRefusedError';
}

/** What the window is told when a handler fails in a way nobody planned for. */
export const UNEXPECTED_FAILURE =
  'CID Desk ran into an unexpected problem and could not finish this. Try again; if it keeps happening, restart CID Desk.';

/** Decides whether a message comes from our own page, in its top frame, in a window we created. */
export function isTrustedSender(sender: SenderInfo, policy: TrustPolicy): boolean {
  return (
    sender.isMainFrame &&
    sender.frameUrl !== null &&
    policy.isOwnWebContents(sender.webContentsId) &&
    isAppUrl(sender.frameUrl, policy.appUrl, policy.caseInsensitivePaths ?? false)
  );
}

/** The message a failure may show in the window: written-for-the-user text, or a generic one. */
export function safeErrorMessage(error: unknown): string {
  return error instanceof ShowableError || error instanceof IpcRefusedError
    ? error.message
    : UNEXPECTED_FAILURE;
}

/**
 * Runs one request: refuses an untrusted sender or an invalid argument before the handler is
 * reached, and turns any handler failure into a rejection whose message is safe to show.
 */
export async function dispatch<C extends RequestChannel>(
  channel: C,
  args: readonly unknown[],
  sender: SenderInfo,
  handler: Handler<C>,
  options: { isTrusted(sender: SenderInfo): boolean; log?: Log },
): Promise<RequestResult<C>> {
  if (!options.isTrusted(sender)) {
    options.log?.(`Refused ${channel} from an untrusted sender (${describe(sender)}).`);
    throw new IpcRefusedError(
      `${channel} was refused: the message did not come from CID Desk's window.`,
    );
  }
  if (args.length > 1) {
    throw new IpcRefusedError(`${channel} was refused: it takes one argument.`);
  }
  const checked = ARG_CHECKS[channel](args[0]);
  if (!checked.ok) {
    throw new IpcRefusedError(`${channel} was refused: ${checked.error}.`);
  }
  try {
    return await handler(checked.value);
  } catch (error) {
    options.log?.(`${channel} failed.`, error);
    // Electron sends the window only error.toString(), so the cause stays in main.
    throw new Error(safeErrorMessage(error), { cause: error });
  }
}

function describe(sender: SenderInfo): string {
  // Only the scheme and host: enough to recognise the source, never a path with a user's name.
  let where = 'no frame';
  if (sender.frameUrl !== null) {
    try {
      const url = new URL(sender.frameUrl);
      where = `${url.protocol}//${url.host}`;
    } catch {
      where = 'an unparsable URL';
    }
  }
  return `webContents ${sender.webContentsId}, ${sender.isMainFrame ? 'top frame' : 'subframe'}, ${where}`;
}

/** Reads the sender of an Electron IPC event. */
export function senderOf(event: Pick<IpcMainInvokeEvent, 'sender' | 'senderFrame'>): SenderInfo {
  let frame: IpcMainInvokeEvent['senderFrame'] = null;
  try {
    frame = event.senderFrame;
  } catch {
    // The frame was disposed while the message was in flight.
  }
  return {
    frameUrl: frame?.url ?? null,
    isMainFrame: frame !== null && frame.parent === null,
    webContentsId: event.sender.id,
  };
}

/** Registers a typed, checked handler for one request channel. */
export function handle<C extends RequestChannel>(
  ipcMain: Pick<IpcMain, 'handle'>,
  channel: C,
  handler: Handler<C>,
  isTrusted: (sender: SenderInfo) => boolean,
  log?: Log,
): void {
  ipcMain.handle(channel, (event, ...args: unknown[]) =>
    dispatch(channel, args, senderOf(event), handler, { isTrusted, ...(log ? { log } : {}) }),
  );
}

/** Registers every channel of the contract at once; returns a function that removes them. */
export function handleAll(
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>,
  handlers: Handlers,
  isTrusted: (sender: SenderInfo) => boolean,
  log?: Log,
): () => void {
  const channels = Object.keys(ARG_CHECKS) as RequestChannel[];
  const register = <C extends RequestChannel>(channel: C): void =>
    handle(ipcMain, channel, handlers[channel], isTrusted, log);
  channels.forEach(register);
  return () => channels.forEach((channel) => ipcMain.removeHandler(channel));
}

/**
 * Registers every handler on Electron's ipcMain, taken from the `electron` module main passes in,
 * so that this module is the only one that names it. Returns a function that removes them.
 */
export function registerOnIpcMain(
  electron: { ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'> },
  handlers: Handlers,
  isTrusted: (sender: SenderInfo) => boolean,
  log?: Log,
): () => void {
  return handleAll(electron.ipcMain, handlers, isTrusted, log);
}

/** Sends a typed event to a window, unless it has already gone. Returns whether it was sent. */
export function send<E extends EventChannel>(
  target: Pick<WebContents, 'send' | 'isDestroyed'>,
  channel: E,
  payload: IpcEvents[E],
): boolean {
  if (target.isDestroyed()) return false;
  target.send(channel, payload);
  return true;
}
