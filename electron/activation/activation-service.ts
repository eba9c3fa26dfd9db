import type { CidOutcome, CidSuccess, Failure, RemainingOutcome } from '../../shared/activation';
import { makeError, ok, type CidDeskError, type Result } from '../../shared/errors';
import { parseIid, type IidDigits } from '../../shared/iid';
import { DEFAULT_PID, parsePid, type ExtendedPid } from '../../shared/pid';
import type { ActivationRequest } from '../../shared/request';
import type { ActivationAnswer } from '../../shared/response';
import { sendActivationRequest, type ActivationFetch } from './activation-client';
import { withLock } from '../storage/history-lock';
import {
  historyPairKey,
  type CidRecord,
  type CidSource,
  type HistoryStore,
  type NewHistoryEntry,
} from '../history/history-store';

export interface GetCidInput {
  /** The IID as the user entered it; validated here. */
  iid: string;
  /** The user's own Extended PID, or null/undefined for the default. */
  pid?: string | null;
  /** Send even when a CID for this IID is already known (spends an activation). */
  force?: boolean;
  signal?: AbortSignal;
}

export interface GetRemainingInput {
  pid: string;
  signal?: AbortSignal;
}

/** Everything the app and the CLI ask of the activation service, with validation and errors as values. */
export interface ActivationService {
  getCid(input: GetCidInput): Promise<CidOutcome>;
  getRemaining(input: GetRemainingInput): Promise<RemainingOutcome>;
  /** Requests under way, including those every caller has stopped waiting for (see getCid). */
  pending(): number;
  /** Resolves once no request is under way any more, its outcome recorded in the history. */
  idle(): Promise<void>;
}

/** The history the service remembers CIDs in, opened on first use. */
export interface HistoryAccess {
  /** Resolves to the store, or to a 'storage' error when it cannot be read; may be called often. */
  open(): Promise<Result<HistoryStore>>;
  /**
   * Where CIDs are looked for, and filed when the answer does not say otherwise: demo mode keeps
   * its CIDs apart, so a simulated CID never answers a real request. An answer the simulator marks
   * as its own (see SentAnswer) is filed as the simulator's whatever this says.
   */
  source: CidSource;
}

export interface ActivationServiceOptions {
  /** Electron's net.fetch in the app (system proxy), Node's fetch in the CLI. */
  fetch: ActivationFetch;
  endpoint: URL;
  timeoutMs: number;
  now?: () => Date;
  /**
   * With a history, a CID already obtained for the same IID (with any Extended PID) is answered
   * from it, and concurrent requests for one IID, from this process or another, reach the service
   * at most once.
   */
  history?: HistoryAccess;
}

/** How long a request waits for another process's request for the same IID, beyond its own timeout. */
const LOCK_MARGIN_MS = 15_000;

/** Validates input, answers from history where it can, and otherwise sends exactly one request. */
export function createActivationService(options: ActivationServiceOptions): ActivationService {
  const now = options.now ?? (() => new Date());
  /** Requests under way, by IID and force: callers that ask again join them. */
  const running = new Map<string, Exchange>();

  const send = (request: ActivationRequest, signal: AbortSignal | undefined) =>
    sendActivationRequest(request, {
      fetch: options.fetch,
      endpoint: options.endpoint,
      timeoutMs: options.timeoutMs,
      ...(signal ? { signal } : {}),
    });

  function success(
    iid: string,
    pid: string,
    answer: ActivationAnswer & { type: 'cid' },
    simulated: boolean,
  ): CidSuccess {
    return {
      ok: true,
      iid,
      pid,
      cid: answer.cid.digits,
      groups: answer.cid.groups,
      fromHistory: false,
      obtainedAt: now().toISOString(),
      // Known even without a history, so said even then.
      ...(simulated ? { source: 'simulator' as const } : {}),
    };
  }

  /** One CID request, and whether the simulator answered it (see SentAnswer). */
  async function sendForCid(
    iid: IidDigits,
    pid: ExtendedPid,
    signal?: AbortSignal,
  ): Promise<{ outcome: CidOutcome; simulated: boolean }> {
    const answer = await send({ type: 'cid', pid, iid }, signal);
    const { simulated } = answer;
    if (!answer.ok) return { outcome: { ok: false, error: answer.error }, simulated };
    if (answer.value.type !== 'cid') throw new Error('A CID request was answered as another type.');
    return { outcome: success(iid, pid, answer.value, simulated), simulated };
  }

  /**
   * Within the locks for this IID: history first, then at most one request, then record
   * it. The request itself is never aborted once it may be on its way: its answer may carry a
   * CID that spent an activation, so it is always awaited (within the timeout) and recorded.
   */
  async function getCidRemembered(
    history: HistoryStore,
    source: CidSource,
    iid: IidDigits,
    pid: ExtendedPid,
    force: boolean,
    exchange: Omit<Exchange, 'done'>,
  ): Promise<CidOutcome> {
    const fresh = await history.refresh();
    if (!fresh.ok) return refuseWithoutHistory(fresh.error);
    // A CID belongs to the Installation ID: one obtained with another Extended PID (the app's own
    // PID setting, the CLI's default) activates the same machine, so it is answered too.
    const known = history.findCid(iid, pid, source) ?? history.findCid(iid, null, source);
    if (known && !force) return fromHistory(known);
    if (exchange.stop.signal.aborted) return cancelled(false, options.timeoutMs);

    exchange.sent = true;
    const { outcome, simulated } = await sendForCid(iid, pid);
    // Filed and shown by who actually answered: a CID the simulator made up is never filed as the
    // service's, even when the simulator was reached as the service (an endpoint set by hand).
    const answeredBy = whoAnswered(source, simulated);
    const saved = await history.append(recordOf(outcome, iid, pid, answeredBy));
    if (!outcome.ok) return outcome;
    // The time on record is the one the history will answer with later: report the same one.
    if (saved.ok) return { ...outcome, source: answeredBy, obtainedAt: saved.value.at };
    return {
      ...outcome,
      source: answeredBy,
      warning: `This Confirmation ID could not be saved to the history: ${saved.error.message.replace(/\.$/, '')}. Write it down or copy it now: CID Desk will not remember it, and asking again would use another activation.`,
    };
  }

  async function run(
    history: HistoryAccess,
    iid: IidDigits,
    pid: ExtendedPid,
    force: boolean,
    exchange: Omit<Exchange, 'done'>,
  ): Promise<CidOutcome> {
    const store = await history.open();
    if (!store.ok) return refuseWithoutHistory(store.error);
    const { dir } = store.value;
    const lockOptions = {
      timeoutMs: options.timeoutMs + LOCK_MARGIN_MS,
      signal: exchange.stop.signal,
    };
    // Always in this order, so two holders never wait for each other.
    const locked = await withLock(
      dir,
      requestLockKey(iid),
      () =>
        withLock(
          dir,
          historyPairKey(iid, pid),
          () => getCidRemembered(store.value, history.source, iid, pid, force, exchange),
          lockOptions,
        ),
      lockOptions,
    );
    if (!locked.ok) return { ok: false, error: locked.error };
    return locked.value.ok ? locked.value.value : { ok: false, error: locked.value.error };
  }

  return {
    async getCid(input) {
      const iid = parseIid(input.iid);
      if (!iid.ok) return iid;
      const pid = input.pid ? parsePid(input.pid) : ok(DEFAULT_PID);
      if (!pid.ok) return pid;
      const digits = iid.value.digits;
      const history = options.history;
      if (!history) return (await sendForCid(digits, pid.value, input.signal)).outcome;

      // A double click, a second window or a batch row for the same IID joins the request under
      // way, whatever its Extended PID (the history would answer it with that request's CID
      // anyway); each caller may cancel its own wait.
      const key = `${digits}|${input.force === true}`;
      let exchange = running.get(key);
      // One that every caller cancelled before it was sent only winds down, and would answer
      // "cancelled" to a caller who never cancelled: a new one starts, and queues on the IID's lock.
      if (!exchange || (exchange.stop.signal.aborted && !exchange.sent)) {
        exchange = startExchange((state) =>
          run(history, digits, pid.value, input.force === true, state).finally(() => {
            // A newer exchange may have taken the key meanwhile: it is not this one's to free.
            if (running.get(key) === state) running.delete(key);
          }),
        );
        running.set(key, exchange);
      }
      return waitFor(exchange, input.signal, options.timeoutMs);
    },

    async getRemaining(input) {
      const pid = parsePid(input.pid);
      if (!pid.ok) return pid;
      const answer = await send({ type: 'remaining', pid: pid.value }, input.signal);
      const outcome: RemainingOutcome = !answer.ok
        ? { ok: false, error: answer.error }
        : answer.value.type === 'remaining'
          ? { ok: true, pid: pid.value, remaining: answer.value.remaining }
          : {
              ok: false,
              error: makeError(
                'unexpected-response',
                'The service answered with another type of response.',
                'Try again later.',
              ),
            };
      // The count spends nothing, so it is recorded for reference only; a failure to save is no reason to withhold it.
      const history = options.history;
      const store = await history?.open();
      if (history && store?.ok) {
        const mark = demoMark(whoAnswered(history.source, answer.simulated));
        await store.value.append(
          outcome.ok
            ? { type: 'remaining', pid: pid.value, remaining: outcome.remaining, ...mark }
            : { type: 'error', pid: pid.value, error: briefError(outcome.error), ...mark },
        );
      }
      return outcome;
    },

    pending: () => running.size,

    async idle() {
      while (running.size > 0) await Promise.allSettled([...running.values()].map((e) => e.done));
    },
  };
}

/** One request for an IID, shared by every caller that asked for it while it ran. */
interface Exchange {
  /** The callers still waiting; null stands for one that cannot cancel. */
  callers: Set<AbortSignal | null>;
  /** Aborted when every caller has cancelled before anything was sent. */
  stop: AbortController;
  /** Set once the request may be on its way to the service. */
  sent: boolean;
  done: Promise<CidOutcome>;
}

/**
 * Starts an exchange whose `done` never rejects: an exception (a bug) becomes a failure that says
 * whether the request may have been sent, so that no caller waits for ever and none is told that
 * nothing was sent when something may have been.
 */
function startExchange(start: (state: Omit<Exchange, 'done'>) => Promise<CidOutcome>): Exchange {
  const state = {
    callers: new Set<AbortSignal | null>(),
    stop: new AbortController(),
    sent: false,
  };
  const done = start(state).catch((error: unknown) => crashed(state.sent, error));
  return Object.assign(state, { done });
}

/**
 * Waits for an exchange on behalf of one caller. Cancelling ends the wait at once. Before the
 * request is sent, the last caller to cancel stops it; after, it runs on to its answer in the
 * background, so that a CID it brings is recorded rather than lost with the activation it cost.
 */
function waitFor(
  exchange: Exchange,
  signal: AbortSignal | undefined,
  timeoutMs: number,
): Promise<CidOutcome> {
  const me = signal ?? null;
  exchange.callers.add(me);
  return new Promise((resolve) => {
    const leave = () => {
      exchange.callers.delete(me);
      const wanted = [...exchange.callers].some((caller) => caller === null || !caller.aborted);
      if (!wanted && !exchange.sent) exchange.stop.abort();
      resolve(cancelled(exchange.sent, timeoutMs));
    };
    if (signal?.aborted) {
      leave();
      return;
    }
    signal?.addEventListener('abort', leave, { once: true });
    void exchange.done.then((outcome) => {
      signal?.removeEventListener('abort', leave);
      exchange.callers.delete(me);
      resolve(outcome);
    });
  });
}

function cancelled(sent: boolean, timeoutMs: number): Failure {
  if (!sent) {
    return {
      ok: false,
      error: makeError(
        'network',
        'The request was cancelled before it was sent. Nothing reached the service, so no activation was used.',
        'Send it again when you are ready.',
        { cause: 'cancelled', mayHaveReachedService: false },
      ),
    };
  }
  return {
    ok: false,
    error: makeError(
      'network',
      `Cancelled. The request had already been sent, so CID Desk goes on waiting for its answer in the background (at most ${Math.round(timeoutMs / 1000)} seconds) and keeps any Confirmation ID it brings in the history.`,
      'Ask again for this Installation ID in a moment: a Confirmation ID that arrived is then answered from the history, without using another activation.',
      { cause: 'cancelled', mayHaveReachedService: true },
    ),
  };
}

function crashed(sent: boolean, error: unknown): Failure {
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return {
    ok: false,
    error: sent
      ? makeError(
          'unexpected-response',
          'CID Desk ran into an unexpected problem after the request was sent, so it cannot tell whether a Confirmation ID was issued.',
          'Wait a few minutes before asking again for the same Installation ID: if the service did issue a Confirmation ID, a new request spends another activation. If this keeps happening, restart CID Desk.',
          { mayHaveReachedService: true, detail },
        )
      : makeError(
          'unexpected-response',
          'CID Desk ran into an unexpected problem before sending the request. Nothing was sent, so no activation was used.',
          'Try again. If this keeps happening, restart CID Desk.',
          { mayHaveReachedService: false, detail },
        ),
  };
}

/**
 * The lock every request for an IID holds, whatever its Extended PID and source: the history
 * answers with a CID obtained under any PID, so requests for one IID must take turns even when the
 * app (the PID in Settings) and the command line (the default PID) ask at once. The request also
 * holds the `<IID>|<Extended PID>` lock that older versions take, so it takes turns with them too.
 */
function requestLockKey(iid: IidDigits): string {
  return iid;
}

function fromHistory(record: CidRecord): CidSuccess {
  return {
    ok: true,
    iid: record.iid,
    pid: record.pid,
    cid: record.cid,
    groups: record.cid.match(/\d{6}/g) ?? [],
    fromHistory: true,
    obtainedAt: record.at,
    source: record.source,
  };
}

function refuseWithoutHistory(cause: CidDeskError): CidOutcome {
  return {
    ok: false,
    error: makeError(
      'storage',
      `Nothing was sent: CID Desk cannot use its history, so it cannot tell whether a Confirmation ID for this Installation ID was already obtained. ${cause.message}`,
      cause.advice,
      { mayHaveReachedService: false, ...(cause.detail ? { detail: cause.detail } : {}) },
    ),
  };
}

function briefError(error: CidDeskError): {
  kind: CidDeskError['kind'];
  code: string | null;
  message: string;
} {
  return { kind: error.kind, code: error.code, message: error.message };
}

function recordOf(
  outcome: CidOutcome,
  iid: string,
  pid: string,
  source: CidSource,
): NewHistoryEntry {
  if (outcome.ok) return { type: 'cid', iid, pid, cid: outcome.cid, source };
  return {
    type: 'error',
    iid,
    pid,
    error: briefError(outcome.error),
    ...(outcome.error.mayHaveReachedService !== undefined
      ? { mayHaveReachedService: outcome.error.mayHaveReachedService }
      : {}),
    ...demoMark(source),
  };
}

/**
 * Who an answer is filed as coming from: the simulator whenever it marked the answer as its own,
 * otherwise the source the service was created for. Never the other way round: the header only
 * ever moves an answer to the simulator's side, where it answers no request to the real service.
 */
function whoAnswered(source: CidSource, simulated: boolean): CidSource {
  return simulated ? 'simulator' : source;
}

/**
 * The `source` an error or remaining record carries: set only for the simulator's answers (demo
 * mode, or a simulator reached through an endpoint set by hand), so that the records of the real
 * service stay byte for byte what older versions write (absent means the service).
 */
function demoMark(source: CidSource): { source?: 'simulator' } {
  return source === 'simulator' ? { source } : {};
}
