/**
 * The screenshots in docs/screenshots/, taken from the real window by the e2e run so the docs
 * always show the app as it is. Each one first checks that the window shows what it is meant to.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { errors, type Page } from '@playwright/test';
import { ERROR_CATALOG, serviceError } from '../shared/error-catalog';
import type { HistoryRecord } from '../shared/history';
import { DEFAULT_PID } from '../shared/pid';
import { SAMPLE_BLOCKED, SAMPLE_SUCCESS } from '../shared/protocol-samples';
import { SERVICE_URL } from '../shared/request';
import { DEFAULT_SETTINGS, TIMEOUT_RANGE } from '../shared/settings';
import { simulatedCid } from '../electron/simulator/simulator';
import { DEMO_IIDS, deriveIid } from '../electron/simulator/simulator-scenarios';
import { expect, ROOT, test } from './harness';
import {
  batchRows,
  errorHeading,
  expectCid,
  getCidButton,
  groupBox,
  historyRows,
  historySearch,
  openView,
  pasteIid,
  requestCid,
} from './window-actions';

const SCREENSHOTS = path.join(ROOT, 'docs', 'screenshots');
mkdirSync(SCREENSHOTS, { recursive: true });

const SIZE = { width: 920, height: 720 };

test.use({
  viewport: SIZE,
  reducedMotion: 'reduce',
  // The docs show the messages a user of the real service reads; the simulator still answers.
  configuredEndpoint: SERVICE_URL,
  // Chromium rasterises and composites on several threads, and the anti-aliased edges it draws
  // then differ by a shade from run to run. Done on one thread, in order, every picture comes
  // out identical, so the docs change only when the window does.
  launchOptions: [
    async ({ launchOptions }, use) => {
      await use({
        ...launchOptions,
        args: [
          ...(launchOptions.args ?? []),
          '--num-raster-threads=1',
          '--disable-partial-raster',
          '--disable-threaded-animation',
          '--disable-checker-imaging',
        ],
      });
    },
    { scope: 'worker' },
  ],
});

/**
 * Saves the window as the docs show it, once fonts are in and nothing moves. Headless Chromium's
 * compositor can go idle and leave a capture waiting for a frame that never comes: the wait is
 * bounded, and a fresh paint (a resize) is asked for once more before giving up.
 */
async function shoot(page: Page, name: string): Promise<void> {
  await page.evaluate('document.fonts.ready.then(() => true)');
  for (let attempt = 1; ; attempt += 1) {
    // Resizing has the whole window painted afresh, whatever was drawn on top of what before.
    await page.setViewportSize({ width: SIZE.width + 1, height: SIZE.height });
    await page.setViewportSize(SIZE);
    try {
      await page.screenshot({
        path: path.join(SCREENSHOTS, name),
        animations: 'disabled',
        caret: 'hide',
        timeout: 10_000,
      });
      return;
    } catch (error) {
      if (attempt === 2 || !(error instanceof errors.TimeoutError)) throw error;
    }
  }
}

test('empty.png: the window as it opens', async ({ app }) => {
  const { page } = app;
  await expect(groupBox(page, 1)).toBeFocused();
  await expect(getCidButton(page)).toBeDisabled();
  await shoot(page, 'empty.png');
});

test('typo.png: a mistyped group is flagged', async ({ app }) => {
  const { page } = app;
  const groups = SAMPLE_SUCCESS.iid.match(/\d{7}/g)!;
  groups[2] = '4081793';
  await pasteIid(page, groups.join(' '));
  await expect(groupBox(page, 3)).toHaveAttribute('aria-invalid', 'true');
  await expect(
    page.getByText("Group 3 doesn't match its check digit", { exact: false }),
  ).toBeVisible();
  await shoot(page, 'typo.png');
});

test('cid.png: the Confirmation ID, just copied', async ({ app }) => {
  const { page } = app;
  await requestCid(page, SAMPLE_SUCCESS.iid);
  await expectCid(page, SAMPLE_SUCCESS.cid);
  await page.getByRole('button', { name: 'Copy all' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Copied all 48 digits' })).toBeVisible();
  await shoot(page, 'cid.png');
});

test('error.png: the service refuses with a code', async ({ app }) => {
  const { page } = app;
  await requestCid(page, DEMO_IIDS['0x7F']);
  await expect(errorHeading(page)).toHaveText('The MAK has used all its activations');
  await shoot(page, 'error.png');
});

test.describe('with the shortest timeout', () => {
  test.use({ initialSettings: { ...DEFAULT_SETTINGS, timeoutSeconds: TIMEOUT_RANGE.min } });

  test('error-network.png: the service never answers', async ({ app }) => {
    const { page } = app;
    await requestCid(page, DEMO_IIDS.hang);
    await expect(errorHeading(page)).toHaveText("Microsoft didn't answer in time", {
      timeout: (TIMEOUT_RANGE.min + 10) * 1000,
    });
    await shoot(page, 'error-network.png');
  });
});

test('settings.png: the Settings dialog', async ({ app }) => {
  const { page } = app;
  await page.getByRole('button', { name: 'Settings' }).click();
  await expect(page.getByRole('dialog', { name: 'Settings' })).toBeVisible();
  await shoot(page, 'settings.png');
});

test('reference.png: the error code reference', async ({ app }) => {
  const { page } = app;
  await page.getByRole('button', { name: 'Error codes' }).click();
  const reference = page.getByRole('dialog', { name: 'Error codes' });
  await expect(reference.getByText(`${ERROR_CATALOG.length} codes`, { exact: true })).toBeVisible();
  await shoot(page, 'reference.png');
});

test.describe('in demo mode', () => {
  test.use({ initialSettings: { ...DEFAULT_SETTINGS, demoMode: true } });

  test('demo.png: a demo Confirmation ID', async ({ app }) => {
    const { page } = app;
    await expect(page.getByRole('note').filter({ hasText: 'DEMO MODE' })).toBeVisible();
    await requestCid(page, DEMO_IIDS.cid);
    await expect(
      page.getByRole('heading', { level: 1, name: 'Confirmation ID Demo CID' }),
    ).toBeVisible();
    await shoot(page, 'demo.png');
  });
});

test.describe('in dark mode', () => {
  test.use({ colorScheme: 'dark' });

  test('dark.png: the Confirmation ID in the dark theme', async ({ app }) => {
    const { page } = app;
    await requestCid(page, SAMPLE_SUCCESS.iid);
    await expectCid(page, SAMPLE_SUCCESS.cid);
    await shoot(page, 'dark.png');
  });
});

test.describe('with the times of a fixed place', () => {
  // The History writes times in the computer's own zone and language; the picture must not.
  test.use({ timezoneId: 'UTC', locale: 'en-US' });

  // Written as earlier runs left them, with fixed times, so the picture is the same on every run.
  const ownPid = '55041-00172-033-600075-03-1033-7601.0000-1412012';
  const header = (n: number, at: string) => ({
    v: 1 as const,
    id: `5a8e3b2c-7d6f-4e1a-b0c9-2f4d6e8a1b${String(n).padStart(2, '0')}`,
    at,
  });
  const cid = (
    n: number,
    at: string,
    iid: string,
    source: 'service' | 'simulator' = 'service',
  ) => ({
    ...header(n, at),
    type: 'cid' as const,
    iid,
    pid: DEFAULT_PID,
    cid: simulatedCid(iid, DEFAULT_PID),
    source,
  });
  const records: HistoryRecord[] = [
    cid(1, '2025-03-14T09:12:05.120Z', deriveIid('docs history 1')),
    { ...cid(2, '2025-03-14T09:26:53.589Z', SAMPLE_SUCCESS.iid), cid: SAMPLE_SUCCESS.cid },
    {
      ...header(3, '2025-03-14T09:30:12.004Z'),
      type: 'error',
      iid: SAMPLE_BLOCKED.iid,
      pid: DEFAULT_PID,
      error: { kind: 'service', code: '0x67', message: serviceError('0x67').message },
    },
    { ...header(4, '2025-03-14T09:31:40.250Z'), type: 'remaining', pid: ownPid, remaining: 5 },
    {
      ...header(5, '2025-03-14T10:02:00.000Z'),
      type: 'error',
      iid: deriveIid('docs history 2'),
      pid: DEFAULT_PID,
      error: {
        kind: 'network',
        code: null,
        message: `No complete answer came from ${new URL(SERVICE_URL).host} within 30 seconds.`,
      },
      mayHaveReachedService: true,
    },
    cid(6, '2025-03-15T08:45:31.802Z', DEMO_IIDS.cid, 'simulator'),
    cid(7, '2025-03-17T13:05:44.391Z', deriveIid('docs history 3')),
    { ...header(8, '2025-03-17T13:07:10.006Z'), type: 'remaining', pid: ownPid, remaining: 4 },
  ];
  test.use({ initialHistory: records.map((record) => `${JSON.stringify(record)}\n`).join('') });

  test('history.png: the History with CIDs, errors and remaining-activation counts', async ({
    app,
  }) => {
    const { page } = app;
    await openView(page, 'History');
    await expect(historyRows(page)).toHaveCount(records.length);
    await expect(historySearch(page)).toHaveAccessibleDescription(`${records.length} entries`);
    await shoot(page, 'history.png');
  });
});

test('batch.png: a finished batch with CIDs, one from the history and two failures', async ({
  app,
}) => {
  const { page, simulator } = app;
  const fresh = [1, 2, 3, 4].map((n) => deriveIid(`docs batch ${n}`));
  const known = deriveIid('docs batch in history');
  await requestCid(page, known);
  await expectCid(page, simulatedCid(known, DEFAULT_PID));

  const iids = [
    fresh[0],
    fresh[1],
    known,
    fresh[2],
    DEMO_IIDS['0x67'],
    fresh[3],
    DEMO_IIDS['html-503'],
  ];
  await openView(page, 'Batch');
  await page
    .getByRole('textbox', { name: 'Text with Installation IDs' })
    .fill(iids.map((iid, i) => `PC-${String(i + 1).padStart(2, '0')}: ${iid}`).join('\n'));
  await page.getByRole('button', { name: 'Get 7 Confirmation IDs' }).click();
  await page
    .getByRole('dialog', { name: 'Get 7 Confirmation IDs?' })
    .getByRole('button', { name: 'Get 7 Confirmation IDs' })
    .click();
  await expect(
    page.getByRole('region', { name: 'Batch' }).locator('p', { hasText: 'Done:' }),
  ).toHaveText('Done: 4 obtained · 1 from history · 2 failed · 0 not sent');
  await expect(batchRows(page)).toHaveCount(iids.length);
  expect(simulator.requestCount).toBe(iids.length);
  await shoot(page, 'batch.png');
});
