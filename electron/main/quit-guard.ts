/**
 * What happens when CID Desk is asked to quit while activation requests are on their way. Each
 * answer may carry a Confirmation ID that has already used an activation of the user's product
 * key, so quitting waits for every request already sent to be answered and recorded. The user can
 * still insist (a second quit asks them), and a window opened again calls the waiting quit off.
 *
 * No Electron import: main.ts passes Electron's pieces in and forwards app events here.
 */

export interface QuitGuardDeps {
  /** Requests on their way, also those their window has stopped waiting for. */
  pending(): number;
  /** Resolves once every request sent so far has its outcome recorded. */
  idle(): Promise<void>;
  /** Asks the app to quit (app.quit), which comes back through beforeQuit. */
  quit(): void;
  /** Stops work that would send further requests, such as running batches. */
  stopSending(): void;
  /** Asks the user whether to quit without the answers; true for "Quit anyway". */
  confirmQuitAnyway(pendingCount: number): Promise<boolean>;
  log?: (message: string, error?: unknown) => void;
}

export interface QuitGuard {
  /**
   * Called on every before-quit: true lets the quit go on, false means main must prevent it
   * (event.preventDefault()). Never throws.
   */
  beforeQuit(): boolean;
  /** A window was opened: the user is back, so a quit waiting for answers is called off. */
  windowOpened(): void;
}

/** What the "Quit anyway?" question says; its first button is the default and the cancel. */
export interface QuitAnywayPrompt {
  message: string;
  detail: string;
  buttons: ['Keep waiting', 'Quit anyway'];
  defaultId: 0;
  cancelId: 0;
}

/** The question asked when the user tries to quit again while answers are still on their way. */
export function quitAnywayPrompt(pendingCount: number): QuitAnywayPrompt {
  return {
    message:
      pendingCount === 1
        ? 'An answer from the activation service is still on its way.'
        : `${pendingCount} answers from the activation service are still on their way.`,
    detail:
      'An answer already on its way may carry a Confirmation ID that has used an activation of your product key. ' +
      'CID Desk quits by itself as soon as every answer is recorded in the history (at most the timeout set in Settings). ' +
      'If you quit now, that Confirmation ID is lost.',
    buttons: ['Keep waiting', 'Quit anyway'],
    defaultId: 0,
    cancelId: 0,
  };
}

/**
 * The quit state machine. Nothing pending: the quit goes on. Requests pending: the quit is held,
 * and once they are all answered it is tried again, which holds again if new requests started
 * meanwhile. A further quit while holding asks the user (one question at a time); "Quit anyway"
 * lets the next quit through.
 */
export function createQuitGuard(deps: QuitGuardDeps): QuitGuard {
  /** The wait under way, if any; replaced or cleared to call off the quit at its end. */
  let waiting: object | null = null;
  let asking = false;
  let letThrough = false;

  function quitWhenIdle(): void {
    const wait = {};
    waiting = wait;
    deps.log?.('Waiting for answers already on their way before quitting.');
    deps.idle().then(
      () => {
        if (waiting !== wait) return;
        waiting = null;
        deps.quit();
      },
      (error: unknown) => {
        if (waiting !== wait) return;
        // idle() does not reject; if it ever did, nothing could say when waiting may end, and
        // trying again at once would spin, so the quit goes ahead.
        deps.log?.('Waiting for answers failed, so CID Desk quits without them.', error);
        waiting = null;
        letThrough = true;
        deps.quit();
      },
    );
  }

  async function askQuitAnyway(): Promise<void> {
    asking = true;
    let anyway = false;
    try {
      anyway = await deps.confirmQuitAnyway(deps.pending());
    } catch (error) {
      // Without an answer, the safe choice is the default one: keep waiting.
      deps.log?.('Could not ask whether to quit without the answers.', error);
    } finally {
      asking = false;
    }
    if (!anyway) return;
    deps.log?.('Quitting without the answers still on their way, as the user chose.');
    waiting = null;
    letThrough = true;
    deps.quit();
  }

  return {
    beforeQuit() {
      if (letThrough) return true;
      try {
        deps.stopSending();
      } catch (error) {
        deps.log?.('Could not stop the running batches.', error);
      }
      if (deps.pending() === 0) {
        waiting = null;
        return true;
      }
      if (waiting === null) quitWhenIdle();
      else if (!asking) void askQuitAnyway();
      return false;
    },

    windowOpened() {
      waiting = null;
      letThrough = false;
    },
  };
}
