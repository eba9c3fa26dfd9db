import { parsePid } from './pid';

/** What the user can change in Settings; stored by main, shown by the window. */
export interface Settings {
  /** The user's own Extended PID, or null for the default. */
  pid: string | null;
  /** How long to wait for the service before giving up, in seconds. */
  timeoutSeconds: number;
  /** Demo mode answers from the built-in simulator instead of Microsoft's service. */
  demoMode: boolean;
}

export const DEFAULT_SETTINGS: Readonly<Settings> = {
  pid: null,
  timeoutSeconds: 30,
  demoMode: false,
};
export const TIMEOUT_RANGE = { min: 5, max: 300 } as const;

/** Problems with a proposed settings change, keyed by field; empty when it is acceptable. */
export function checkSettings(settings: Settings): Partial<Record<keyof Settings, string>> {
  const problems: Partial<Record<keyof Settings, string>> = {};
  if (settings.pid !== null) {
    const pid = parsePid(settings.pid);
    if (!pid.ok) problems.pid = pid.error.message;
  }
  if (
    !Number.isInteger(settings.timeoutSeconds) ||
    settings.timeoutSeconds < TIMEOUT_RANGE.min ||
    settings.timeoutSeconds > TIMEOUT_RANGE.max
  ) {
    problems.timeoutSeconds = `The timeout must be a whole number of seconds from ${TIMEOUT_RANGE.min} to ${TIMEOUT_RANGE.max}.`;
  }
  return problems;
}
