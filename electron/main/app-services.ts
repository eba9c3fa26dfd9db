import type { Result } from '../../shared/errors';
import type { AppNotice } from '../../shared/ipc';
import type { Settings } from '../../shared/settings';
import type { ActivationFetch } from '../activation/activation-client';
import { createActivationService, type ActivationService } from '../activation/activation-service';
import { lazyHistory } from '../history/history-access';
import { ShowableError } from './ipc/ipc-main';
import type { Simulator } from '../simulator/simulator';

export interface AppServicesDeps {
  dataDir: string;
  /** Chromium's network stack in the app: the system proxy and certificate store. */
  fetch: ActivationFetch;
  /** Microsoft's service, or the CID_DESK_ENDPOINT override, already validated. */
  endpoint: Result<URL>;
  /** Starts the built-in simulator, for demo mode. */
  startSimulator(): Promise<Simulator>;
}

/**
 * What the app's window works with: the activation service for the settings in force, on top of
 * the one history it shares with the command line. Demo mode starts the simulator on first use
 * and keeps its CIDs apart in the history.
 */
export function createAppServices(deps: AppServicesDeps) {
  const history = lazyHistory(deps.dataDir);
  let simulator: Promise<Simulator> | null = null;
  let cached: { key: string; service: ActivationService } | null = null;
  /** Every service made, so quitting can wait for requests still on their way. */
  const created: ActivationService[] = [];
  const track = (options: Parameters<typeof createActivationService>[0]) => {
    const service = createActivationService(options);
    created.push(service);
    return service;
  };

  async function serviceFor(settings: Settings): Promise<ActivationService> {
    if (!deps.endpoint.ok) throw new ShowableError(deps.endpoint.error);
    let endpoint = deps.endpoint.value;
    if (settings.demoMode) {
      // Started on first use only; a failed start is tried again on the next request.
      simulator ??= deps.startSimulator().catch((error: unknown) => {
        simulator = null;
        throw error;
      });
      endpoint = new URL((await simulator).url);
    }
    const key = `${endpoint.href} ${settings.timeoutSeconds} ${settings.demoMode}`;
    if (cached?.key !== key) {
      cached = {
        key,
        service: track({
          fetch: deps.fetch,
          endpoint,
          timeoutMs: settings.timeoutSeconds * 1000,
          history: history.as(settings.demoMode ? 'simulator' : 'service'),
        }),
      };
    }
    return cached.service;
  }

  /** What the window must tell the user at start: settings or history that had to be set aside. */
  async function notices(settingsNotice: string | null): Promise<AppNotice[]> {
    const found: AppNotice[] = [];
    if (settingsNotice !== null) {
      found.push({
        title: 'Your saved settings could not be used',
        message: settingsNotice,
        advice: 'Check Settings; the defaults are in use.',
      });
    }
    const store = await history.open();
    if (store.ok && store.value.loadNotice) {
      const { message, advice } = store.value.loadNotice;
      found.push({ title: 'The history file was damaged', message, advice });
    }
    return found;
  }

  return {
    history,
    serviceFor,
    notices,
    /** Requests under way, also those their window has stopped waiting for. */
    pending: () => created.reduce((sum, service) => sum + service.pending(), 0),
    /** Resolves once every request sent has its outcome recorded. */
    idle: () => Promise.all(created.map((service) => service.idle())).then(() => undefined),
    /** Stops the demo simulator, if it was started. */
    async close(): Promise<void> {
      await simulator?.then((running) => running.close()).catch(() => undefined);
    },
  };
}
