import { describe, expect, it } from 'vitest';
import { createQuitGuard, quitAnywayPrompt, type QuitGuardDeps } from './quit-guard';

/** Lets pending promise callbacks run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

/**
 * A fake app around the guard: quit() emits before-quit as Electron does and exits when nothing
 * prevents it; requests are a counter, and idle() resolves when the counter reaches zero.
 */
function fakeApp(options: { pending?: number; confirm?: () => Promise<boolean> } = {}) {
  let pending = options.pending ?? 0;
  let idleWaiters: (() => void)[] = [];
  const events: string[] = [];
  const questions: number[] = [];
  let exited = false;
  const deps: QuitGuardDeps = {
    pending: () => pending,
    idle: () => {
      events.push('idle');
      if (pending === 0) return Promise.resolve();
      return new Promise<void>((resolve) => idleWaiters.push(resolve));
    },
    quit: () => {
      events.push('quit');
      quit();
    },
    stopSending: () => {
      events.push(`stop-sending with ${pending} pending`);
    },
    confirmQuitAnyway: (count) => {
      questions.push(count);
      return options.confirm ? options.confirm() : Promise.resolve(false);
    },
  };
  const guard = createQuitGuard(deps);
  /** app.quit(): before-quit, then exit unless prevented. */
  const quit = () => {
    if (guard.beforeQuit()) exited = true;
  };
  return {
    guard,
    events,
    questions,
    quit,
    exited: () => exited,
    start: (count = 1) => {
      pending += count;
    },
    /** Requests end; at zero, everyone waiting in idle() is told. */
    finish: (count = 1) => {
      pending -= count;
      if (pending === 0) {
        const waiters = idleWaiters;
        idleWaiters = [];
        for (const resolve of waiters) resolve();
      }
    },
    idleCalls: () => events.filter((e) => e === 'idle').length,
  };
}

describe('quitAnywayPrompt', () => {
  it('offers Keep waiting as the default and the cancel, and says what quitting now loses', () => {
    const one = quitAnywayPrompt(1);
    expect(one.buttons).toEqual(['Keep waiting', 'Quit anyway']);
    expect(one.defaultId).toBe(0);
    expect(one.cancelId).toBe(0);
    expect(one.message).toBe('An answer from the activation service is still on its way.');
    expect(one.detail).toContain('may carry a Confirmation ID that has used an activation');
    expect(one.detail).toContain('If you quit now, that Confirmation ID is lost.');
    expect(quitAnywayPrompt(3).message).toBe(
      '3 answers from the activation service are still on their way.',
    );
  });
});

describe('createQuitGuard', () => {
  it('lets the quit go on when nothing is pending, after stopping the batches', () => {
    const app = fakeApp();
    app.quit();
    expect(app.exited()).toBe(true);
    expect(app.events).toEqual(['stop-sending with 0 pending']);
    expect(app.questions).toEqual([]);
  });

  it('stops the batches before it looks at what is pending', () => {
    const app = fakeApp({ pending: 2 });
    app.quit();
    expect(app.events[0]).toBe('stop-sending with 2 pending');
    expect(app.events[1]).toBe('idle');
  });

  it('holds the quit while requests are pending and quits once they are answered', async () => {
    const app = fakeApp({ pending: 2 });
    app.quit();
    expect(app.exited()).toBe(false);
    app.finish();
    await settle();
    expect(app.exited()).toBe(false);
    app.finish();
    await settle();
    expect(app.exited()).toBe(true);
    expect(app.idleCalls()).toBe(1);
    expect(app.questions).toEqual([]);
  });

  it('loops: after each wait it quits again, and holds while anything is still on its way', async () => {
    const app = fakeApp({ pending: 1 });
    app.quit();
    app.finish();
    // Before the guard hears of the first wait ending, a new request starts.
    app.start();
    await settle();
    expect(app.exited()).toBe(false);
    expect(app.idleCalls()).toBe(2);
    expect(app.questions).toEqual([]);
    app.finish();
    await settle();
    expect(app.exited()).toBe(true);
  });

  it('asks the user when they quit again while waiting, one question at a time', async () => {
    let answer!: (anyway: boolean) => void;
    const app = fakeApp({
      pending: 2,
      confirm: () => new Promise<boolean>((resolve) => (answer = resolve)),
    });
    app.quit();
    app.quit();
    app.quit();
    expect(app.questions).toEqual([2]);
    expect(app.exited()).toBe(false);
    answer(false);
    await settle();
    expect(app.exited()).toBe(false);
    // Keep waiting: the automatic quit still comes once the answers are in.
    app.finish(2);
    await settle();
    expect(app.exited()).toBe(true);
    expect(app.idleCalls()).toBe(1);
  });

  it('asks again on a later quit after the user chose to keep waiting', async () => {
    const app = fakeApp({ pending: 1 });
    app.quit();
    app.quit();
    await settle();
    app.quit();
    await settle();
    expect(app.questions).toEqual([1, 1]);
    expect(app.exited()).toBe(false);
  });

  it('quits at once when the user chooses Quit anyway', async () => {
    const app = fakeApp({ pending: 1, confirm: async () => true });
    app.quit();
    app.quit();
    await settle();
    expect(app.exited()).toBe(true);
    expect(app.questions).toEqual([1]);
  });

  it('keeps waiting when the question cannot be asked', async () => {
    const app = fakeApp({
      pending: 1,
      confirm: () => Promise.reject(new Error('no dialog')),
    });
    app.quit();
    app.quit();
    await settle();
    expect(app.exited()).toBe(false);
    app.finish();
    await settle();
    expect(app.exited()).toBe(true);
  });

  it('calls the waiting quit off when a window is opened again, and waits afresh on the next quit', async () => {
    const app = fakeApp({ pending: 1 });
    app.quit();
    app.guard.windowOpened();
    app.finish();
    await settle();
    expect(app.exited()).toBe(false);
    expect(app.events.filter((e) => e === 'quit')).toEqual([]);

    // Closing the window again quits again: a new wait, not a question.
    app.start();
    app.quit();
    expect(app.questions).toEqual([]);
    expect(app.exited()).toBe(false);
    app.finish();
    await settle();
    expect(app.exited()).toBe(true);
  });

  it('lets the quit through when idle() fails, rather than spinning', async () => {
    const logged: string[] = [];
    const guard = createQuitGuard({
      pending: () => 1,
      idle: () => Promise.reject(new Error('broken')),
      quit: () => {
        quits += 1;
        allowed.push(guard.beforeQuit());
      },
      stopSending: () => {},
      confirmQuitAnyway: async () => false,
      log: (message) => logged.push(message),
    });
    let quits = 0;
    const allowed: boolean[] = [guard.beforeQuit()];
    await settle();
    expect(allowed).toEqual([false, true]);
    expect(quits).toBe(1);
    expect(logged).toContain('Waiting for answers failed, so CID Desk quits without them.');
  });

  it('still guards the quit when stopping the batches throws', () => {
    const logged: string[] = [];
    const guard = createQuitGuard({
      pending: () => 1,
      idle: () => new Promise(() => {}),
      quit: () => {},
      stopSending: () => {
        throw new Error('oops');
      },
      confirmQuitAnyway: async () => false,
      log: (message) => logged.push(message),
    });
    expect(guard.beforeQuit()).toBe(false);
    expect(logged).toContain('Could not stop the running batches.');
  });
});
