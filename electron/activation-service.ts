import type { CidOutcome, RemainingOutcome } from '../shared/activation';
import { ok } from '../shared/errors';
import { parseIid } from '../shared/iid';
import { DEFAULT_PID, parsePid } from '../shared/pid';
import type { ActivationRequest } from '../shared/request';
import { sendActivationRequest, type ActivationFetch } from './activation-client';

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
}

export interface ActivationServiceOptions {
  /** Electron's net.fetch in the app (system proxy), Node's fetch in the CLI. */
  fetch: ActivationFetch;
  endpoint: URL;
  timeoutMs: number;
  now?: () => Date;
}

/** The activation service without memory: validates input, sends one request, shapes the outcome. */
export function createActivationService(options: ActivationServiceOptions): ActivationService {
  const now = options.now ?? (() => new Date());
  const send = (request: ActivationRequest, signal: AbortSignal | undefined) =>
    sendActivationRequest(request, {
      fetch: options.fetch,
      endpoint: options.endpoint,
      timeoutMs: options.timeoutMs,
      ...(signal ? { signal } : {}),
    });

  return {
    async getCid(input) {
      const iid = parseIid(input.iid);
      if (!iid.ok) return iid;
      const pid = input.pid ? parsePid(input.pid) : ok(DEFAULT_PID);
      if (!pid.ok) return pid;
      const answer = await send(
        { type: 'cid', pid: pid.value, iid: iid.value.digits },
        input.signal,
      );
      if (!answer.ok) return answer;
      if (answer.value.type !== 'cid')
        throw new Error('a CID request was answered as another type');
      return {
        ok: true,
        iid: iid.value.digits,
        pid: pid.value,
        cid: answer.value.cid.digits,
        groups: answer.value.cid.groups,
        fromHistory: false,
        obtainedAt: now().toISOString(),
      };
    },

    async getRemaining(input) {
      const pid = parsePid(input.pid);
      if (!pid.ok) return pid;
      const answer = await send({ type: 'remaining', pid: pid.value }, input.signal);
      if (!answer.ok) return answer;
      if (answer.value.type !== 'remaining')
        throw new Error('a remaining-activations request was answered as another type');
      return { ok: true, pid: pid.value, remaining: answer.value.remaining };
    },
  };
}
