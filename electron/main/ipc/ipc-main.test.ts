import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { makeError } from '../../../shared/errors';
import { API_METHODS, type RequestChannel } from '../../../shared/ipc';
import {
  dispatch,
  handleAll,
  IpcRefusedError,
  isTrustedSender,
  send,
  senderOf,
  ShowableError,
  UNEXPECTED_FAILURE,
  type Handler,
  type Handlers,
  type SenderInfo,
  type TrustPolicy,
} from './ipc-main';
import { APP_ENTRY_URL } from '../app-protocol';

const APP_URL = APP_ENTRY_URL;
const OUR_ID = 7;
const policy: TrustPolicy = { appUrl: APP_URL, isOwnWebContents: (id) => id === OUR_ID };
const trusted: SenderInfo = { frameUrl: APP_URL, isMainFrame: true, webContentsId: OUR_ID };
const isTrusted = (sender: SenderInfo) => isTrustedSender(sender, policy);

describe('isTrustedSender', () => {
  it('trusts our page in the top frame of our own window, whatever its #fragment or query', () => {
    expect(isTrustedSender(trusted, policy)).toBe(true);
    expect(isTrustedSender({ ...trusted, frameUrl: `${APP_URL}#/settings` }, policy)).toBe(true);
    expect(isTrustedSender({ ...trusted, frameUrl: `${APP_URL}?a=1` }, policy)).toBe(true);
  });

  it('refuses another page, another scheme, a subframe, a window we did not create or a gone frame', () => {
    const refused: SenderInfo[] = [
      { ...trusted, frameUrl: 'app://cid-desk/other.html' },
      { ...trusted, frameUrl: 'app://evil.example/index.html' },
      {
        ...trusted,
        frameUrl: 'file:///opt/CID%20Desk/resources/app.asar/dist/renderer/index.html',
      },
      { ...trusted, frameUrl: 'file:///tmp/index.html' },
      { ...trusted, frameUrl: 'https://example.com/dist/renderer/index.html' },
      { ...trusted, frameUrl: 'devtools://devtools/bundled/devtools_app.html' },
      { ...trusted, frameUrl: 'not a url' },
      { ...trusted, frameUrl: null },
      { ...trusted, isMainFrame: false },
      { ...trusted, webContentsId: 8 },
    ];
    for (const sender of refused)
      expect(isTrustedSender(sender, policy), JSON.stringify(sender)).toBe(false);
  });

  it('compares paths without regard to case only where the file system does', () => {
    const upper = { ...trusted, frameUrl: 'app://cid-desk/Index.HTML' };
    expect(isTrustedSender(upper, { ...policy, caseInsensitivePaths: true })).toBe(true);
    expect(isTrustedSender(upper, policy)).toBe(false);
  });
});

describe('dispatch', () => {
  const args = { requestId: 'r-1', iid: '123', force: false };
  const outcome = { ok: false as const, error: makeError('invalid-input', 'm', 'a') };

  it('passes the checked argument to the handler and resolves with its result', async () => {
    const handler = vi.fn<Handler<'activation:get-cid'>>(async () => outcome);
    await expect(
      dispatch('activation:get-cid', [args], trusted, handler, { isTrusted }),
    ).resolves.toBe(outcome);
    expect(handler).toHaveBeenCalledWith(args);
  });

  it('accepts a missing argument for channels that take an empty object', async () => {
    const handler = vi.fn(async () => ({ pid: null, timeoutSeconds: 30, demoMode: false }));
    await dispatch('settings:get', [], trusted, handler, { isTrusted });
    expect(handler).toHaveBeenCalledWith({});
  });

  it('refuses an untrusted sender before the handler is reached, and logs it without the argument', async () => {
    const handler = vi.fn<Handler<'activation:get-cid'>>(async () => outcome);
    const log = vi.fn();
    const sender = { ...trusted, frameUrl: 'https://evil.example/x/y', webContentsId: 9 };
    const result = dispatch('activation:get-cid', [args], sender, handler, { isTrusted, log });
    await expect(result).rejects.toThrow(
      new IpcRefusedError(
        "activation:get-cid was refused: the message did not come from CID Desk's window.",
      ),
    );
    expect(handler).not.toHaveBeenCalled();
    expect(log).toHaveBeenCalledWith(
      'Refused activation:get-cid from an untrusted sender (webContents 9, top frame, https://evil.example).',
    );
  });

  it('refuses an invalid argument, an unknown field and a second argument', async () => {
    const handler = vi.fn<Handler<'activation:get-cid'>>(async () => outcome);
    await expect(
      dispatch('activation:get-cid', [{ ...args, requestId: 'a b' }], trusted, handler, {
        isTrusted,
      }),
    ).rejects.toThrow(
      'activation:get-cid was refused: requestId must be 1 to 64 letters, digits or dashes.',
    );
    await expect(
      dispatch('activation:get-cid', [{ ...args, pid: 'x' }], trusted, handler, { isTrusted }),
    ).rejects.toThrow('activation:get-cid was refused: unexpected field "pid".');
    await expect(
      dispatch('activation:get-cid', [args, 'more'], trusted, handler, { isTrusted }),
    ).rejects.toThrow('activation:get-cid was refused: it takes one argument.');
    await expect(
      dispatch('activation:get-cid', ['text'], trusted, handler, { isTrusted }),
    ).rejects.toThrow('activation:get-cid was refused: expected an object.');
    expect(handler).not.toHaveBeenCalled();
  });

  it('hands the handler a fresh object, not the one that arrived', async () => {
    let seen: unknown;
    const raw = { ...args };
    await dispatch('activation:get-cid', [raw], trusted, async (a) => ((seen = a), outcome), {
      isTrusted,
    });
    expect(seen).toEqual(raw);
    expect(seen).not.toBe(raw);
  });

  it('turns an unplanned failure into a generic message and logs the real one', async () => {
    const log = vi.fn();
    const boom = new Error('ENOENT /home/ada/secret path');
    const result = dispatch(
      'settings:get',
      [{}],
      trusted,
      async () => {
        throw boom;
      },
      { isTrusted, log },
    );
    await expect(result).rejects.toThrow(new Error(UNEXPECTED_FAILURE));
    expect(log).toHaveBeenCalledWith('settings:get failed.', boom);
  });

  it('lets a failure written for the user through with its message', async () => {
    const error = new ShowableError(makeError('storage', 'Could not save.', 'Free some space.'));
    const result = dispatch(
      'settings:get',
      [{}],
      trusted,
      async () => {
        throw error;
      },
      { isTrusted },
    );
    await expect(result).rejects.toThrow(new Error('Could not save. Free some space.'));
  });
});

describe('senderOf', () => {
  const event = (senderFrame: unknown) =>
    ({ sender: { id: 3 }, senderFrame }) as unknown as IpcMainInvokeEvent;

  it('reads the frame URL, whether it is the top frame, and the WebContents id', () => {
    expect(senderOf(event({ url: APP_URL, parent: null }))).toEqual({
      frameUrl: APP_URL,
      isMainFrame: true,
      webContentsId: 3,
    });
    expect(senderOf(event({ url: APP_URL, parent: {} })).isMainFrame).toBe(false);
  });

  it('reports a frame that is gone, or whose getter throws, as no frame', () => {
    expect(senderOf(event(null))).toEqual({ frameUrl: null, isMainFrame: false, webContentsId: 3 });
    const throwing = {
      sender: { id: 3 },
      get senderFrame(): never {
        throw new Error('Render frame was disposed');
      },
    } as unknown as IpcMainInvokeEvent;
    expect(senderOf(throwing)).toEqual({ frameUrl: null, isMainFrame: false, webContentsId: 3 });
  });
});

describe('handleAll', () => {
  function fakeIpc() {
    const registered = new Map<
      string,
      (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown
    >();
    const ipc = {
      handle: (
        channel: string,
        listener: (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown,
      ) => {
        if (registered.has(channel)) throw new Error(`second handler for ${channel}`);
        registered.set(channel, listener);
      },
      removeHandler: (channel: string) => registered.delete(channel),
    };
    return { registered, ipc: ipc as unknown as Pick<IpcMain, 'handle' | 'removeHandler'> };
  }
  const calls: string[] = [];
  const handlers = Object.fromEntries(
    Object.values(API_METHODS).map((channel) => [
      channel,
      async (args: unknown) => {
        calls.push(channel);
        return { channel, args };
      },
    ]),
  ) as unknown as Handlers;
  const ourEvent = {
    sender: { id: OUR_ID },
    senderFrame: { url: APP_URL, parent: null },
  } as unknown as IpcMainInvokeEvent;
  const strangerEvent = {
    sender: { id: 99 },
    senderFrame: { url: APP_URL, parent: null },
  } as unknown as IpcMainInvokeEvent;

  it('registers exactly the channels of the contract, checked, and removes them again', async () => {
    const { registered, ipc } = fakeIpc();
    const remove = handleAll(ipc, handlers, isTrusted);
    expect([...registered.keys()].sort()).toEqual(Object.values(API_METHODS).sort());

    const cancel = registered.get('activation:cancel' satisfies RequestChannel)!;
    await expect(cancel(ourEvent, { requestId: 'r-2' })).resolves.toEqual({
      channel: 'activation:cancel',
      args: { requestId: 'r-2' },
    });
    await expect(cancel(strangerEvent, { requestId: 'r-2' })).rejects.toBeInstanceOf(
      IpcRefusedError,
    );
    await expect(cancel(ourEvent, { requestId: '' })).rejects.toBeInstanceOf(IpcRefusedError);
    expect(calls).toEqual(['activation:cancel']);

    remove();
    expect(registered.size).toBe(0);
  });
});

describe('send', () => {
  it('sends a typed event to a live window and skips a destroyed one', () => {
    const sent: unknown[][] = [];
    const live = { isDestroyed: () => false, send: (...a: unknown[]) => sent.push(a) };
    const gone = { isDestroyed: () => true, send: (...a: unknown[]) => sent.push(a) };
    expect(send(live as unknown as WebContents, 'app:command', 'settings')).toBe(true);
    expect(send(gone as unknown as WebContents, 'app:command', 'new')).toBe(false);
    expect(sent).toEqual([['app:command', 'settings']]);
  });
});
