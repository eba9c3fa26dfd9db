import type { CidOutcome, Failure, RemainingOutcome } from '../../../shared/activation';
import { makeError } from '../../../shared/errors';
import type { AppInfo, AppNotice } from '../../../shared/ipc';
import type { Settings } from '../../../shared/settings';
import type { ActivationService } from '../../activation/activation-service';
import { createBatchHandlers, type BatchHandlerDeps } from './batch-handlers';
import { createHistoryHandlers, type HistoryHandlerDeps } from './history-handlers';
import { ShowableError, type Handlers } from './ipc-main';
import { allowedExternalUrl } from '../security';
import type { SettingsStore } from '../settings-store';

export interface HandlerDeps
  extends HistoryHandlerDeps, Omit<BatchHandlerDeps, 'settings' | 'getService'> {
  settings: SettingsStore;
  /** The service for the settings in force (demo mode: the local simulator). */
  getService(settings: Settings): ActivationService | Promise<ActivationService>;
  appInfo: AppInfo;
  /** Opens an allow-listed https URL in the user's browser. */
  openExternal(url: string): Promise<void>;
  log?: (message: string, error?: unknown) => void;
  /** What the user must be told about, such as a damaged file moved aside. */
  notices(): Promise<AppNotice[]>;
}

/** The window's handlers plus what main needs to manage them. */
export interface HandlerSet {
  handlers: Handlers;
  /** requestIds of the activation requests still running. */
  running(): string[];
  /**
   * Cancels every running batch (when the window closes or the app quits): rows not yet sent are
   * never sent; requests already sent are still awaited and recorded. Returns how many there were.
   */
  cancelBatches(): number;
}

function duplicateRequest(requestId: string): Failure {
  return {
    ok: false,
    error: makeError(
      'invalid-input',
      `Request ${requestId} is already running, so it was not sent a second time.`,
      'Wait for its answer; it appears as soon as the service replies.',
    ),
  };
}

function internalFailure(error: unknown, mayHaveReachedService: boolean): Failure {
  return {
    ok: false,
    error: makeError(
      'unexpected-response',
      'CID Desk hit an internal problem with this request.',
      mayHaveReachedService
        ? 'The request may have reached the service. Check the history before you try again, so no activation is spent twice.'
        : 'Nothing was sent. Try again.',
      {
        mayHaveReachedService,
        detail: error instanceof Error ? error.message : String(error),
      },
    ),
  };
}

/** The implementation of every request channel, as plain async functions. */
export function createHandlers(deps: HandlerDeps): HandlerSet {
  // One controller per running request, so 'activation:cancel' aborts exactly that request
  // and a second message with the same requestId can never send a second request.
  const inFlight = new Map<string, AbortController>();
  const batch = createBatchHandlers(deps);

  async function track<T extends CidOutcome | RemainingOutcome>(
    requestId: string,
    run: (service: ActivationService, settings: Settings, signal: AbortSignal) => Promise<T>,
  ): Promise<T | Failure> {
    if (inFlight.has(requestId)) return duplicateRequest(requestId);
    const controller = new AbortController();
    inFlight.set(requestId, controller);
    let started = false;
    try {
      const settings = await deps.settings.get();
      const service = await deps.getService(settings);
      controller.signal.throwIfAborted();
      started = true;
      return await run(service, settings, controller.signal);
    } catch (error) {
      if (!started && controller.signal.aborted) {
        return {
          ok: false,
          error: makeError(
            'network',
            'The request was cancelled before it was sent.',
            'Send it again when you are ready.',
            {
              cause: 'cancelled',
              mayHaveReachedService: false,
            },
          ),
        };
      }
      // A failure written for the user (a bad endpoint setting, an unreadable history) is shown as it is.
      if (error instanceof ShowableError) return { ok: false, error: error.detail };
      deps.log?.('An activation request failed unexpectedly.', error);
      return internalFailure(error, started);
    } finally {
      inFlight.delete(requestId);
    }
  }

  const handlers: Handlers = {
    'activation:get-cid': ({ requestId, iid, force }) =>
      track(requestId, (service, settings, signal) =>
        service.getCid({ iid, pid: settings.pid, force, signal }),
      ),
    'activation:remaining': ({ requestId, pid }) =>
      track(requestId, (service, _settings, signal) => service.getRemaining({ pid, signal })),
    'activation:cancel': async ({ requestId }) => {
      const controller = inFlight.get(requestId);
      if (controller === undefined) return false;
      controller.abort();
      return true;
    },
    'settings:get': () => deps.settings.get(),
    'settings:save': (settings) => deps.settings.save(settings),
    'app:info': async () => ({ ...deps.appInfo }),
    'app:open-external': async ({ url }) => {
      const allowed = allowedExternalUrl(url);
      if (allowed === null) return false;
      await deps.openExternal(allowed);
      return true;
    },
    'app:notices': () => deps.notices(),
    ...createHistoryHandlers(deps),
    ...batch.handlers,
  };

  return { handlers, running: () => [...inFlight.keys()], cancelBatches: batch.cancelAll };
}
