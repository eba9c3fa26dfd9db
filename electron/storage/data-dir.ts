import path from 'node:path';

/** The application's name; Electron names its per-user folder after it. */
export const APP_NAME = 'CID Desk';

/** Set this environment variable to keep CID Desk's files somewhere else (tests, portable use). */
export const DATA_DIR_ENV = 'CID_DESK_DATA_DIR';

type Env = Readonly<Record<string, string | undefined>>;

function nonEmpty(value: string | undefined): string | undefined {
  return value !== undefined && value.trim() !== '' ? value : undefined;
}

/**
 * The per-user folder for settings and history: the folder Electron's app.getPath('userData')
 * gives an app named "CID Desk", so the window and the command line share one folder.
 * CID_DESK_DATA_DIR overrides it; a relative override is taken from `cwd`.
 */
export function resolveDataDir(
  env: Env,
  platform: NodeJS.Platform,
  homedir: string,
  cwd: string = process.cwd(),
): string {
  // Compute with the target platform's rules, so Windows paths come out right on any machine.
  const p = platform === 'win32' ? path.win32 : path.posix;
  const override = nonEmpty(env[DATA_DIR_ENV]);
  if (override !== undefined) return p.resolve(cwd, override);
  switch (platform) {
    case 'win32':
      return p.join(nonEmpty(env.APPDATA) ?? p.join(homedir, 'AppData', 'Roaming'), APP_NAME);
    case 'darwin':
      return p.join(homedir, 'Library', 'Application Support', APP_NAME);
    default: {
      // Like Chromium, any non-empty XDG_CONFIG_HOME is used, a relative one from `cwd`.
      const xdg = nonEmpty(env.XDG_CONFIG_HOME);
      return p.resolve(cwd, xdg ?? p.join(homedir, '.config'), APP_NAME);
    }
  }
}
