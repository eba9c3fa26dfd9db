/**
 * The real app in Electron: main process, preload, sandboxed window and the activation service
 * against the local simulator. Runs wherever an Electron runtime is installed; elsewhere it is
 * reported as skipped, with the reason, never as passed.
 */
import { _electron as electron, expect, test } from '@playwright/test';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SAMPLE_SUCCESS } from '../shared/protocol-samples';
import { startSimulator } from '../electron/simulator';
import { findElectronBinary } from './electron-binary';

const binary = findElectronBinary();

test.skip(
  binary === null,
  'No Electron runtime on this machine: Electron downloads it on first start (npm start), and this machine cannot reach the download. Run `npx install-electron` where it can.',
);

test('pastes an IID and shows the CID from the simulator in the real app', async () => {
  const simulator = await startSimulator();
  const dataDir = await mkdtemp(path.join(tmpdir(), 'cid-desk-electron-'));
  const app = await electron.launch({
    executablePath: binary!,
    args: ['.'],
    env: { ...process.env, CID_DESK_DATA_DIR: dataDir, CID_DESK_ENDPOINT: simulator.url },
  });
  try {
    const window = await app.firstWindow();
    await expect(window).toHaveTitle('CID Desk');

    const isolated = await window.evaluate(
      () => typeof (globalThis as { require?: unknown }).require,
    );
    expect(isolated).toBe('undefined');

    await window.getByRole('textbox', { name: 'Group 1 of 9' }).focus();
    await app.evaluate(({ clipboard }, text) => clipboard.writeText(text), SAMPLE_SUCCESS.iid);
    await window.keyboard.press(process.platform === 'darwin' ? 'Meta+V' : 'Control+V');
    await window.getByRole('button', { name: 'Get Confirmation ID' }).click();

    await expect(window.getByText('062722', { exact: true })).toBeVisible();
    expect(simulator.requestCount).toBe(1);
  } finally {
    await app.close();
    await simulator.close();
    await rm(dataDir, { recursive: true, force: true });
  }
});
