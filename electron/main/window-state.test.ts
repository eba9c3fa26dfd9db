import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_WINDOW_STATE,
  isReachable,
  loadWindowState,
  parseWindowState,
  saveWindowState,
  stateOf,
  type Rect,
} from './window-state';

// A 1920x1080 primary screen with a taskbar, and a 1280x1024 screen to its left.
const PRIMARY: Rect = { x: 0, y: 0, width: 1920, height: 1040 };
const LEFT: Rect = { x: -1280, y: 0, width: 1280, height: 1024 };
const SCREENS = [PRIMARY, LEFT];

describe('parseWindowState', () => {
  it('keeps a saved position and size that are on a screen', () => {
    const saved = { x: 100, y: 80, width: 1000, height: 800, maximized: true };
    expect(parseWindowState(saved, SCREENS)).toEqual(saved);
    const onLeft = { x: -1200, y: 50, width: 900, height: 700, maximized: false };
    expect(parseWindowState(onLeft, SCREENS)).toEqual(onLeft);
  });

  it('drops a position on a screen that is gone, keeping the size within the primary screen', () => {
    expect(
      parseWindowState({ x: -1200, y: 50, width: 1260, height: 1100, maximized: false }, [PRIMARY]),
    ).toEqual({ width: 1260, height: 1040, maximized: false });
    expect(parseWindowState({ x: 5000, y: 5000, width: 900, height: 700 }, SCREENS)).toEqual({
      width: 900,
      height: 700,
      maximized: false,
    });
  });

  it('drops a position whose title bar is above or beside every screen', () => {
    expect(parseWindowState({ x: 100, y: -600, width: 900, height: 700 }, SCREENS)).toEqual({
      width: 900,
      height: 700,
      maximized: false,
    });
    expect(
      parseWindowState({ x: 1850, y: 100, width: 900, height: 700 }, SCREENS).x,
    ).toBeUndefined();
  });

  it('gives the defaults for anything damaged', () => {
    for (const raw of [
      null,
      'text',
      [],
      {},
      { width: '900', height: 700 },
      { width: 900.5, height: 700 },
      { width: 100, height: 700 },
      { width: 900, height: Number.NaN },
      { width: 1e9, height: 700 },
    ]) {
      expect(parseWindowState(raw, SCREENS), JSON.stringify(raw)).toEqual(DEFAULT_WINDOW_STATE);
    }
  });

  it('ignores a half or non-numeric position and a maximised flag that is not true', () => {
    expect(parseWindowState({ x: 10, width: 900, height: 700, maximized: 'yes' }, SCREENS)).toEqual(
      {
        width: 900,
        height: 700,
        maximized: false,
      },
    );
  });
});

describe('isReachable', () => {
  it('needs 100 x 20 pixels of the title strip on one screen', () => {
    const window = { x: 0, y: 0, width: 900, height: 700 };
    expect(isReachable({ ...window, x: 1820 }, [PRIMARY])).toBe(true);
    expect(isReachable({ ...window, x: 1821 }, [PRIMARY])).toBe(false);
    expect(isReachable({ ...window, y: 1020 }, [PRIMARY])).toBe(true);
    expect(isReachable({ ...window, y: 1021 }, [PRIMARY])).toBe(false);
    expect(isReachable({ ...window, y: -20 }, [PRIMARY])).toBe(true);
    expect(isReachable({ ...window, y: -21 }, [PRIMARY])).toBe(false);
    expect(isReachable(window, [])).toBe(false);
  });
});

describe('stateOf', () => {
  it('rounds fractional bounds from high-DPI screens', () => {
    expect(stateOf({ x: 10.4, y: 20.6, width: 900.5, height: 700.2 }, false)).toEqual({
      x: 10,
      y: 21,
      width: 901,
      height: 700,
      maximized: false,
    });
  });
});

describe('loadWindowState and saveWindowState', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'cid-desk-window-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('round-trips through window-state.json', async () => {
    const state = { x: 40, y: 30, width: 1000, height: 760, maximized: true };
    saveWindowState(dir, state);
    expect(await readdir(dir)).toEqual(['window-state.json']);
    expect(JSON.parse(await readFile(path.join(dir, 'window-state.json'), 'utf8'))).toEqual(state);
    expect(await loadWindowState(dir, SCREENS)).toEqual(state);
  });

  it('gives the defaults when the file is missing or damaged', async () => {
    expect(await loadWindowState(dir, SCREENS)).toEqual(DEFAULT_WINDOW_STATE);
    await writeFile(path.join(dir, 'window-state.json'), '{"x": 1,');
    expect(await loadWindowState(dir, SCREENS)).toEqual(DEFAULT_WINDOW_STATE);
  });
});
