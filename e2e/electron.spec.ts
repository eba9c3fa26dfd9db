/**
 * The real app in Electron: main process, preload, sandboxed window and the activation service
 * against the local simulator. Runs wherever an Electron runtime is installed; elsewhere it is
 * reported as skipped, with the reason, never as passed.
 */
import { _electron as electron, expect, test } from '@playwright/test';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SAMPLE_SUCCESS } from '../shared/protocol-samples';
import { APP_ENTRY_URL } from '../electron/main/app-protocol';
import { startSimulator } from '../electron/simulator/simulator';
import { findElectronBinary } from './electron-binary';
import { expectCid, getCidButton, groupBox } from './window-actions';

const binary = findElectronBinary();

test.skip(
  binary === null,
  'No Electron runtime on this machine: Electron downloads it on first start (npm start), and this machine cannot reach the download. Run `npx install-electron` where it can.',
);

test('pastes an IID and shows the CID from the simulator in the real app', async () => {
  // It stands in for Microsoft, so the window shows its CID as a real one.
  const simulator = await startSimulator({ identify: false });
  const dataDir = await mkdtemp(path.join(tmpdir(), 'cid-desk-electron-'));
  const app = await electron.launch({
    executablePath: binary!,
    args: ['.'],
    env: { ...process.env, CID_DESK_DATA_DIR: dataDir, CID_DESK_ENDPOINT: simulator.url },
  });
  try {
    const window = await app.firstWindow();
    await expect(window).toHaveTitle('CID Desk');
    // Served by main's app:// handler, never from file://.
    expect(window.url()).toBe(APP_ENTRY_URL);

    const isolated = await window.evaluate(
      () => typeof (globalThis as { require?: unknown }).require,
    );
    expect(isolated).toBe('undefined');

    await groupBox(window, 1).focus();
    await app.evaluate(({ clipboard }, text) => clipboard.writeText(text), SAMPLE_SUCCESS.iid);
    await window.keyboard.press('ControlOrMeta+V');
    await getCidButton(window).click();
    await expectCid(window, SAMPLE_SUCCESS.cid);
    expect(simulator.requestCount).toBe(1);

    // Copy all goes through the sandboxed page's clipboard permission to the system clipboard.
    await window.getByRole('button', { name: 'Copy all' }).click();
    await expect
      .poll(() => app.evaluate(({ clipboard }) => clipboard.readText()))
      .toBe(SAMPLE_SUCCESS.cid);

    // The CID is in the history the CLI shares.
    const history = await readFile(path.join(dataDir, 'history.jsonl'), 'utf8');
    expect(JSON.parse(history.trim())).toMatchObject({ type: 'cid', cid: SAMPLE_SUCCESS.cid });
  } finally {
    await app.close();
    await simulator.close();
    await rm(dataDir, { recursive: true, force: true });
  }
});
