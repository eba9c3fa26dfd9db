import path from 'node:path';
import { readJsonFile, writeJsonAtomicSync } from '../storage/json-file';

export const WINDOW_STATE_FILE = 'window-state.json';
export const DEFAULT_SIZE = { width: 920, height: 720 } as const;
export const MIN_SIZE = { width: 640, height: 560 } as const;

/** A rectangle in screen coordinates (Electron's Rectangle). */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Where the window opens. No position means "let the system centre it". */
export interface WindowState {
  width: number;
  height: number;
  x?: number;
  y?: number;
  maximized: boolean;
}

export const DEFAULT_WINDOW_STATE: Readonly<WindowState> = { ...DEFAULT_SIZE, maximized: false };

/** How much of the window's top strip (where the title bar is) must be on a screen to count. */
const TITLE_STRIP = 40;
const VISIBLE = { width: 100, height: 20 } as const;
const MAX_SIDE = 100_000;

function overlap(a: Rect, b: Rect): { width: number; height: number } {
  return {
    width: Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x),
    height: Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y),
  };
}

/** Whether enough of the window's title bar lies on one of the screens for the user to grab it. */
export function isReachable(bounds: Rect, workAreas: readonly Rect[]): boolean {
  const strip = { ...bounds, height: Math.min(TITLE_STRIP, bounds.height) };
  return workAreas.some((area) => {
    const o = overlap(strip, area);
    return o.width >= VISIBLE.width && o.height >= VISIBLE.height;
  });
}

function integer(value: unknown, min: number, max: number): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max
    ? value
    : undefined;
}

/**
 * The state to open the window with, from whatever window-state.json held. `workAreas` are the
 * screens' work areas, primary first. A damaged value gives the defaults; a position off every
 * screen (a monitor was unplugged) is dropped so the window is centred, its size kept within the
 * primary screen.
 */
export function parseWindowState(raw: unknown, workAreas: readonly Rect[]): WindowState {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return { ...DEFAULT_WINDOW_STATE };
  }
  const o = raw as Record<string, unknown>;
  const width = integer(o.width, MIN_SIZE.width, MAX_SIDE);
  const height = integer(o.height, MIN_SIZE.height, MAX_SIDE);
  if (width === undefined || height === undefined) return { ...DEFAULT_WINDOW_STATE };
  const primary = workAreas[0];
  const state: WindowState = {
    width: primary ? Math.max(MIN_SIZE.width, Math.min(width, primary.width)) : width,
    height: primary ? Math.max(MIN_SIZE.height, Math.min(height, primary.height)) : height,
    maximized: o.maximized === true,
  };
  const x = integer(o.x, -MAX_SIDE, MAX_SIDE);
  const y = integer(o.y, -MAX_SIDE, MAX_SIDE);
  if (x !== undefined && y !== undefined && isReachable({ x, y, width, height }, workAreas)) {
    state.x = x;
    state.y = y;
    // A window that fits where it was keeps its size even on a smaller primary screen.
    state.width = width;
    state.height = height;
  }
  return state;
}

/** The state worth remembering about a window: its normal (unmaximised) bounds and whether it is maximised. */
export function stateOf(normalBounds: Rect, maximized: boolean): WindowState {
  return {
    x: Math.round(normalBounds.x),
    y: Math.round(normalBounds.y),
    width: Math.round(normalBounds.width),
    height: Math.round(normalBounds.height),
    maximized,
  };
}

/** Reads `<dir>/window-state.json` (work areas primary first); anything missing or damaged gives the defaults. */
export async function loadWindowState(
  dir: string,
  workAreas: readonly Rect[],
): Promise<WindowState> {
  try {
    const read = await readJsonFile(path.join(dir, WINDOW_STATE_FILE));
    return parseWindowState(read.kind === 'ok' ? read.value : null, workAreas);
  } catch {
    return { ...DEFAULT_WINDOW_STATE };
  }
}

/** Writes `<dir>/window-state.json` atomically; synchronous because the app may be about to exit. */
export function saveWindowState(dir: string, state: WindowState): void {
  writeJsonAtomicSync(path.join(dir, WINDOW_STATE_FILE), state);
}
