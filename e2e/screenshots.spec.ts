/**
 * The screenshots in docs/screenshots/, taken from the real window by the e2e run so the docs
 * always show the app as it is. Each one first checks that the window shows what it is meant to.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { ERROR_CATALOG } from '../shared/error-catalog';
import { SAMPLE_SUCCESS } from '../shared/protocol-samples';
import { SERVICE_URL } from '../shared/request';
import { DEFAULT_SETTINGS, TIMEOUT_RANGE } from '../shared/settings';
import { DEMO_IIDS } from '../electron/simulator-scenarios';
import { expect, ROOT, test } from './harness';
import {
  errorHeading,
  expectCid,
  getCidButton,
  groupBox,
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
          '--run-all-compositor-stages-before-draw',
          '--disable-checker-imaging',
        ],
      });
    },
    { scope: 'worker' },
  ],
});

/** Saves the window as the docs show it, once fonts are in and nothing moves. */
async function shoot(page: Page, name: string): Promise<void> {
  await page.evaluate('document.fonts.ready.then(() => true)');
  // Resizing has the whole window painted afresh, whatever was drawn on top of what before.
  await page.setViewportSize({ width: SIZE.width + 1, height: SIZE.height });
  await page.setViewportSize(SIZE);
  await page.screenshot({
    path: path.join(SCREENSHOTS, name),
    animations: 'disabled',
    caret: 'hide',
  });
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
