import { lstat, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../shared/settings';
import { ShowableError } from './ipc/ipc-main';
import { createSettingsStore, readSettingsFields, SettingsWriteError } from './settings-store';

const PID = '55041-00172-033-600075-03-1033-7601.0000-1412012';
const NOW = new Date('2025-06-01T12:00:00.000Z');
const ASIDE = 'settings.json.damaged-2025-06-01T12-00-00-000Z';

let dir: string;
let file: string;
const store = () => createSettingsStore({ dir, now: () => NOW });

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'cid-desk-settings-'));
  file = path.join(dir, 'settings.json');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('readSettingsFields', () => {
  it('keeps valid fields, ignores unknown ones and reports the invalid ones', () => {
    expect(
      readSettingsFields({ pid: PID, timeoutSeconds: 4, demoMode: 'yes', colour: 'blue' }),
    ).toEqual({
      settings: { pid: PID, timeoutSeconds: DEFAULT_SETTINGS.timeoutSeconds, demoMode: false },
      rejected: ['timeoutSeconds', 'demoMode'],
    });
  });

  it('uses defaults for missing fields without calling them invalid', () => {
    expect(readSettingsFields({ demoMode: true })).toEqual({
      settings: { ...DEFAULT_SETTINGS, demoMode: true },
      rejected: [],
    });
  });

  it('rejects a PID that is not an Extended PID, and a PID of the wrong type', () => {
    expect(readSettingsFields({ pid: '12345' }).rejected).toEqual(['pid']);
    expect(readSettingsFields({ pid: 12345 }).rejected).toEqual(['pid']);
    expect(readSettingsFields({ pid: null }).rejected).toEqual([]);
  });
});

describe('createSettingsStore', () => {
  it('gives the defaults and writes nothing when there is no file', async () => {
    const s = store();
    expect(await s.load()).toEqual({ settings: DEFAULT_SETTINGS, notice: null });
    expect(await s.get()).toEqual(DEFAULT_SETTINGS);
    expect(await readdir(dir)).toEqual([]);
  });

  it('saves atomically and reads back what it saved', async () => {
    const s = store();
    const next = { pid: PID, timeoutSeconds: 60, demoMode: true };
    expect(await s.save(next)).toEqual({ ok: true, settings: next });
    expect(await readFile(file, 'utf8')).toBe(
      `{\n  "pid": "${PID}",\n  "timeoutSeconds": 60,\n  "demoMode": true\n}\n`,
    );
    expect(await readdir(dir)).toEqual(['settings.json']);
    expect(await store().get()).toEqual(next);
    expect(await s.get()).toEqual(next);
  });

  it('stores a PID typed with other digits and spaces the way it is sent', async () => {
    const fullWidth = ` ${PID.replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d)))} `;
    const result = await store().save({ ...DEFAULT_SETTINGS, pid: fullWidth });
    expect(result).toEqual({ ok: true, settings: { ...DEFAULT_SETTINGS, pid: PID } });
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ ...DEFAULT_SETTINGS, pid: PID });
  });

  it('refuses invalid settings field by field and writes nothing', async () => {
    const s = store();
    const result = await s.save({ pid: 'nope', timeoutSeconds: 2.5, demoMode: false });
    expect(result.ok).toBe(false);
    expect(!result.ok && Object.keys(result.problems).sort()).toEqual(['pid', 'timeoutSeconds']);
    expect(!result.ok && result.problems.timeoutSeconds).toBe(
      'The timeout must be a whole number of seconds from 5 to 300.',
    );
    expect(await readdir(dir)).toEqual([]);
    expect(await s.get()).toEqual(DEFAULT_SETTINGS);
  });

  it('moves a file that is not JSON aside, keeps it byte for byte and starts from defaults', async () => {
    await writeFile(file, '{"pid": "55041-');
    const loaded = await store().load();
    expect(loaded.settings).toEqual(DEFAULT_SETTINGS);
    expect(loaded.notice).toMatch(
      /^Your settings file could not be read \(it is not valid JSON \(/,
    );
    expect(loaded.notice).toMatch(
      /\), so CID Desk started with the default settings\. The old file was kept as .*\. Check your settings in Settings\.$/,
    );
    expect(loaded.notice).toContain(`The old file was kept as ${path.join(dir, ASIDE)}.`);
    expect(await readFile(path.join(dir, ASIDE), 'utf8')).toBe('{"pid": "55041-');
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(DEFAULT_SETTINGS);
  });

  it('moves a file that is JSON but not an object aside', async () => {
    await writeFile(file, '[1, 2]');
    const loaded = await store().load();
    expect(loaded).toEqual({
      settings: DEFAULT_SETTINGS,
      notice: `Your settings file could not be read (it does not hold a JSON object), so CID Desk started with the default settings. The old file was kept as ${path.join(dir, ASIDE)}. Check your settings in Settings.`,
    });
  });

  it('keeps the valid fields of a file with an invalid one, and moves the original aside', async () => {
    const original = JSON.stringify({ pid: PID, timeoutSeconds: 9000, demoMode: true, extra: 1 });
    await writeFile(file, original);
    const loaded = await store().load();
    expect(loaded.settings).toEqual({ pid: PID, timeoutSeconds: 30, demoMode: true });
    expect(loaded.notice).toBe(
      `Some of your settings were not valid (timeout), so they are back to their defaults. The old file was kept as ${path.join(dir, ASIDE)}. Check your settings in Settings.`,
    );
    expect(await readFile(path.join(dir, ASIDE), 'utf8')).toBe(original);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(loaded.settings);
    // The next start finds a good file and says nothing.
    expect((await store().load()).notice).toBeNull();
  });

  it('ignores unknown fields without a notice and does not keep them on save', async () => {
    await writeFile(file, JSON.stringify({ demoMode: true, theme: 'dark' }));
    const s = store();
    expect(await s.load()).toEqual({
      settings: { ...DEFAULT_SETTINGS, demoMode: true },
      notice: null,
    });
    await s.save({ ...DEFAULT_SETTINGS, demoMode: true });
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({
      ...DEFAULT_SETTINGS,
      demoMode: true,
    });
  });

  it('moves a folder in the place of the file aside, with what it holds, and starts', async () => {
    await mkdir(file);
    await writeFile(path.join(file, 'note.txt'), 'kept');
    const loaded = await store().load();
    expect(loaded).toEqual({
      settings: DEFAULT_SETTINGS,
      notice: `Your settings file could not be read (it is not a regular file), so CID Desk started with the default settings. The old file was kept as ${path.join(dir, ASIDE)}. Check your settings in Settings.`,
    });
    expect(await readFile(path.join(dir, ASIDE, 'note.txt'), 'utf8')).toBe('kept');
  });

  // Windows makes symbolic links for administrators only, and reports a file used as a folder
  // as missing.
  it.skipIf(process.platform === 'win32')(
    'starts with the defaults and leaves the file alone when it cannot be read at all',
    async () => {
      // A link to itself: reading it fails (ELOOP) as a denied or locked file would, even for root.
      await symlink(file, file);
      const s = store();
      const loaded = await s.load();
      expect(loaded.settings).toEqual(DEFAULT_SETTINGS);
      expect(loaded.notice).toMatch(/^Your settings file could not be read \(ELOOP: /);
      expect(loaded.notice).toMatch(
        /\), so CID Desk started with the default settings\. The file was left as it is: check that you may read .* and that no other program holds it open, then restart CID Desk\.$/,
      );
      expect(loaded.notice).toContain(`check that you may read ${file} and`);
      expect(await s.get()).toEqual(DEFAULT_SETTINGS);
      expect((await lstat(file)).isSymbolicLink()).toBe(true);
      expect(await readdir(dir)).toEqual(['settings.json']);
    },
  );

  it.skipIf(process.platform === 'win32')(
    'starts with the defaults when the data folder is in fact a file',
    async () => {
      const blocked = path.join(dir, 'not-a-folder');
      await writeFile(blocked, 'x');
      const loaded = await createSettingsStore({ dir: blocked, now: () => NOW }).load();
      expect(loaded.settings).toEqual(DEFAULT_SETTINGS);
      expect(loaded.notice).toMatch(/^Your settings file could not be read \(ENOTDIR: /);
      expect(await readFile(blocked, 'utf8')).toBe('x');
    },
  );

  it('throws a storage error the window can show when the file cannot be written', async () => {
    await mkdir(path.join(file, 'blocker'), { recursive: true });
    const s = createSettingsStore({ dir, now: () => NOW });
    const saving = s.save({ ...DEFAULT_SETTINGS, demoMode: true });
    await expect(saving).rejects.toBeInstanceOf(SettingsWriteError);
    const error = (await saving.catch((e: unknown) => e)) as SettingsWriteError;
    expect(error).toBeInstanceOf(ShowableError);
    expect(error.detail.kind).toBe('storage');
    expect(error.message).toMatch(
      new RegExp(
        `^Your settings could not be saved to ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(`,
      ),
    );
    expect(error.message).toMatch(/Check that the folder exists, .* then save again\.$/);
  });
});
