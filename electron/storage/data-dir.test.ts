import { describe, expect, it } from 'vitest';
import { DATA_DIR_ENV, resolveDataDir } from './data-dir';

describe('resolveDataDir', () => {
  it('uses %APPDATA%\\CID Desk on Windows', () => {
    expect(
      resolveDataDir(
        { APPDATA: 'C:\\Users\\ada\\AppData\\Roaming' },
        'win32',
        'C:\\Users\\ada',
        'C:\\',
      ),
    ).toBe('C:\\Users\\ada\\AppData\\Roaming\\CID Desk');
  });

  it('falls back to the roaming folder under the profile when APPDATA is unset', () => {
    expect(resolveDataDir({}, 'win32', 'C:\\Users\\ada', 'C:\\')).toBe(
      'C:\\Users\\ada\\AppData\\Roaming\\CID Desk',
    );
  });

  it('uses ~/Library/Application Support/CID Desk on macOS, whatever XDG says', () => {
    expect(resolveDataDir({ XDG_CONFIG_HOME: '/x' }, 'darwin', '/Users/ada', '/')).toBe(
      '/Users/ada/Library/Application Support/CID Desk',
    );
  });

  it('uses ~/.config/CID Desk on Linux', () => {
    expect(resolveDataDir({}, 'linux', '/home/ada', '/')).toBe('/home/ada/.config/CID Desk');
    expect(resolveDataDir({ XDG_CONFIG_HOME: '' }, 'linux', '/home/ada', '/')).toBe(
      '/home/ada/.config/CID Desk',
    );
  });

  it('uses $XDG_CONFIG_HOME/CID Desk on Linux when it is set', () => {
    expect(resolveDataDir({ XDG_CONFIG_HOME: '/srv/conf' }, 'linux', '/home/ada', '/')).toBe(
      '/srv/conf/CID Desk',
    );
    expect(resolveDataDir({ XDG_CONFIG_HOME: 'conf' }, 'freebsd', '/home/ada', '/work')).toBe(
      '/work/conf/CID Desk',
    );
  });

  it(`lets ${DATA_DIR_ENV} override every platform`, () => {
    const env = { [DATA_DIR_ENV]: '/tmp/cid', APPDATA: 'C:\\Roaming', XDG_CONFIG_HOME: '/x' };
    expect(resolveDataDir(env, 'linux', '/home/ada', '/')).toBe('/tmp/cid');
    expect(resolveDataDir(env, 'darwin', '/Users/ada', '/')).toBe('/tmp/cid');
    expect(
      resolveDataDir({ [DATA_DIR_ENV]: 'D:\\Portable\\cid' }, 'win32', 'C:\\Users\\ada', 'C:\\'),
    ).toBe('D:\\Portable\\cid');
  });

  it(`resolves a relative ${DATA_DIR_ENV} from the working folder and ignores an empty one`, () => {
    expect(resolveDataDir({ [DATA_DIR_ENV]: 'data' }, 'linux', '/home/ada', '/work')).toBe(
      '/work/data',
    );
    expect(resolveDataDir({ [DATA_DIR_ENV]: 'data' }, 'win32', 'C:\\Users\\ada', 'C:\\work')).toBe(
      'C:\\work\\data',
    );
    expect(resolveDataDir({ [DATA_DIR_ENV]: '  ' }, 'linux', '/home/ada', '/')).toBe(
      '/home/ada/.config/CID Desk',
    );
  });
});
