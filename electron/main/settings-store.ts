import path from 'node:path';
import { makeError } from '../../shared/errors';
import type { SaveSettingsResult } from '../../shared/ipc';
import { parsePid } from '../../shared/pid';
import { checkSettings, DEFAULT_SETTINGS, type Settings } from '../../shared/settings';
import { ShowableError } from './ipc/ipc-main';
import { moveAside, readJsonFile, writeJsonAtomic, type JsonRead } from '../storage/json-file';

export const SETTINGS_FILE = 'settings.json';

/** The settings in force, and a sentence for the user when the file had to be set aside. */
export interface SettingsLoad {
  settings: Settings;
  notice: string | null;
}

export interface SettingsStore {
  /** Where the settings live. */
  readonly file: string;
  /**
   * Reads the file (again); a damaged file is moved aside and defaults take its place, and a file
   * that cannot be read at all is left as it is while the defaults are used. Never rejects.
   */
  load(): Promise<SettingsLoad>;
  /** The current settings, loading them on first use. */
  get(): Promise<Settings>;
  /** Validates and persists; problems come back per field and nothing is written. */
  save(next: Settings): Promise<SaveSettingsResult>;
}

/** A failure to write settings; its message is written for the user and crosses IPC as it is. */
export class SettingsWriteError extends ShowableError {
  override readonly name = 'SettingsWriteError';
}

const FIELD_LABELS: Record<keyof Settings, string> = {
  pid: 'Extended PID',
  timeoutSeconds: 'timeout',
  demoMode: 'demo mode',
};

/** The fields of `raw` that are present, well-typed and pass checkSettings; unknown fields are ignored. */
export function readSettingsFields(raw: Record<string, unknown>): {
  settings: Settings;
  rejected: (keyof Settings)[];
} {
  const settings: Settings = { ...DEFAULT_SETTINGS };
  const rejected: (keyof Settings)[] = [];
  const take = <K extends keyof Settings>(key: K, typeOk: (v: unknown) => boolean): void => {
    if (!(key in raw)) return;
    const value = raw[key];
    const candidate = { ...DEFAULT_SETTINGS, [key]: value } as Settings;
    if (typeOk(value) && checkSettings(candidate)[key] === undefined) {
      settings[key] = value as Settings[K];
    } else {
      rejected.push(key);
    }
  };
  take('pid', (v) => v === null || typeof v === 'string');
  take('timeoutSeconds', (v) => typeof v === 'number');
  take('demoMode', (v) => typeof v === 'boolean');
  return { settings, rejected };
}

function normalized(settings: Settings): Settings {
  // Store the PID the way it is sent: ASCII digits, no surrounding space.
  const pid = settings.pid === null ? null : parsePid(settings.pid);
  return {
    pid: pid === null ? null : pid.ok ? pid.value : settings.pid,
    timeoutSeconds: settings.timeoutSeconds,
    demoMode: settings.demoMode,
  };
}

/** Settings kept in `<dir>/settings.json`, written atomically. */
export function createSettingsStore(options: { dir: string; now?: () => Date }): SettingsStore {
  const file = path.join(options.dir, SETTINGS_FILE);
  const now = options.now ?? (() => new Date());
  let current: Settings | null = null;

  /**
   * Moves the file aside and writes `kept` in its place, so the next start finds a good file.
   * `problem` opens the notice, e.g. "Your settings file could not be read (...)".
   */
  async function setAside(problem: string, kept: Settings): Promise<string> {
    let aside: string;
    try {
      aside = await moveAside(file, now());
    } catch (error) {
      return `${problem}, and it could not be moved aside (${(error as Error).message}). CID Desk is using default settings for now.`;
    }
    try {
      await writeJsonAtomic(file, kept);
    } catch (error) {
      return `${problem}. The old file was kept as ${aside}; new settings could not be written (${(error as Error).message}), so CID Desk is using default settings for now.`;
    }
    return `${problem}. The old file was kept as ${aside}. Check your settings in Settings.`;
  }

  async function load(): Promise<SettingsLoad> {
    let settings: Settings = { ...DEFAULT_SETTINGS };
    let notice: string | null = null;
    const unreadable = (reason: string) =>
      `Your settings file could not be read (${reason}), so CID Desk started with the default settings`;
    let read: JsonRead;
    try {
      read = await readJsonFile(file);
    } catch (error) {
      // Access denied, locked by another program, or otherwise out of reach: the file itself may
      // be fine, so it is neither moved aside nor replaced, and the app still starts.
      current = settings;
      return {
        settings: { ...settings },
        notice: `${unreadable((error as Error).message)}. The file was left as it is: check that you may read ${file} and that no other program holds it open, then restart CID Desk.`,
      };
    }
    if (read.kind === 'damaged') {
      notice = await setAside(unreadable(read.reason), settings);
    } else if (read.kind === 'ok') {
      const raw = read.value;
      if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
        notice = await setAside(unreadable('it does not hold a JSON object'), settings);
      } else {
        const fields = readSettingsFields(raw as Record<string, unknown>);
        settings = fields.settings;
        if (fields.rejected.length > 0) {
          const names = fields.rejected.map((key) => FIELD_LABELS[key]).join(', ');
          notice = await setAside(
            `Some of your settings were not valid (${names}), so they are back to their defaults`,
            settings,
          );
        }
      }
    }
    current = settings;
    return { settings: { ...settings }, notice };
  }

  return {
    file,
    load,
    async get() {
      if (current === null) await load();
      return { ...current! };
    },
    async save(next) {
      const problems = checkSettings(next);
      if (Object.keys(problems).length > 0) return { ok: false, problems };
      const settings = normalized(next);
      try {
        await writeJsonAtomic(file, settings);
      } catch (error) {
        throw new SettingsWriteError(
          makeError(
            'storage',
            `Your settings could not be saved to ${file} (${(error as Error).message}).`,
            'Check that the folder exists, that you may write to it and that the disk is not full, then save again.',
          ),
        );
      }
      current = settings;
      return { ok: true, settings: { ...settings } };
    },
  };
}
