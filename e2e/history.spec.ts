/**
 * The history as a user meets it: the History view listing, searching, copying, deleting and
 * exporting what the window obtained; the one history file the window and the `cid-desk` command
 * share; and a damaged history file moved aside without losing the CIDs it still protects.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { serviceError } from '../shared/error-catalog';
import type { CidRecord, HistoryRecord } from '../shared/history';
import { DEFAULT_PID } from '../shared/pid';
import { HISTORY_FILE_NAME } from '../electron/history/history-store';
import { simulatedCid } from '../electron/simulator/simulator';
import { DEMO_IIDS, deriveIid } from '../electron/simulator/simulator-scenarios';
import { expect, ROOT, test } from './harness';
import {
  errorHeading,
  expectCid,
  grouped,
  historyRows,
  historySearch,
  openView,
  parseCsv,
  readClipboard,
  requestCid,
  viewHeading,
} from './window-actions';

const CLI = path.join(ROOT, 'dist', 'electron', 'cli.cjs');
const ALREADY_OBTAINED =
  /^Already obtained on .+; answered from this computer's history, no activation was used\.$/;

/** The CID the simulator gives an IID sent with the default Extended PID. */
function cidOf(iid: string): string {
  return simulatedCid(iid, DEFAULT_PID);
}

/** An IID as the window writes it: its nine groups separated by spaces. */
function spaced(iid: string): string {
  return grouped(iid, 7, ' ');
}

/** A CID record as another run of CID Desk wrote it. */
function cidRecord(iid: string, at: string): CidRecord {
  return {
    v: 1,
    id: randomUUID(),
    at,
    type: 'cid',
    iid,
    pid: DEFAULT_PID,
    cid: cidOf(iid),
    source: 'service',
  };
}

/** Every record of the history file in the data folder, in file order. */
async function historyOnDisk(dataDir: string): Promise<HistoryRecord[]> {
  const text = await readFile(path.join(dataDir, HISTORY_FILE_NAME), 'utf8');
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as HistoryRecord);
}

/** Today as the history's date search reads it: the local calendar day, YYYY-MM-DD. */
function localToday(): string {
  const now = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isFile() && /\.ts$/.test(entry.name) && !/\.test\.ts$/.test(entry.name)) {
      newest = Math.max(newest, statSync(path.join(dir, entry.name)).mtimeMs);
    }
  }
  return newest;
}

/** Refuses to test a command-line bundle that is missing or older than its sources. */
function checkCliBuild(): void {
  let built: number;
  try {
    built = statSync(CLI).mtimeMs;
  } catch {
    throw new Error(`${CLI} is missing: build it first (node scripts/build-node.mjs).`);
  }
  const sources = Math.max(
    newestSource(path.join(ROOT, 'electron')),
    newestSource(path.join(ROOT, 'shared')),
  );
  if (sources > built) {
    throw new Error(
      `${CLI} is older than electron/ or shared/: rebuild it (node scripts/build-node.mjs).`,
    );
  }
}

interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `cid-desk` as users do, in a child process, on the given data folder. */
function cli(args: string[], dataDir: string): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [CLI, ...args],
      { env: { PATH: process.env.PATH ?? '', CID_DESK_DATA_DIR: dataDir }, timeout: 15_000 },
      (error, stdout, stderr) => {
        const status = error && typeof error.code === 'number' ? error.code : error ? null : 0;
        resolve({ status, stdout, stderr });
      },
    );
    child.stdin?.end();
  });
}

const iidOld = deriveIid('history last year');
// A CID from last year, left by an earlier run: a search by today's date must leave it out.
const old = cidRecord(iidOld, '2024-03-14T09:26:53.589Z');

test.describe('with a CID from last year in the history', () => {
  test.use({ initialHistory: `${JSON.stringify(old)}\n` });

  test('the History lists, searches, copies, deletes and exports what the window obtained', async ({
    app,
  }, testInfo) => {
    const { page, simulator, dataDir } = app;
    const [iidA, iidB] = ['history first', 'history second'].map((seed) => deriveIid(seed)) as [
      string,
      string,
    ];
    const blocked = DEMO_IIDS['0x67'];
    const blockedMessage = serviceError('0x67').message;

    const newActivation = page.getByRole('button', { name: 'New activation' });
    await requestCid(page, iidA);
    await expectCid(page, cidOf(iidA));
    await newActivation.click();
    await requestCid(page, iidB);
    await expectCid(page, cidOf(iidB));
    await newActivation.click();
    await requestCid(page, blocked);
    await expect(errorHeading(page)).toHaveText('The product key has been blocked');
    expect(simulator.requests.map((request) => request.iid)).toEqual([iidA, iidB, blocked]);

    const onDisk = await historyOnDisk(dataDir);
    expect(onDisk.map((record) => [record.type, 'iid' in record ? record.iid : null])).toEqual([
      ['cid', iidOld],
      ['cid', iidA],
      ['cid', iidB],
      ['error', blocked],
    ]);
    const [, recordA, recordB, recordError] = onDisk as [
      CidRecord,
      CidRecord,
      CidRecord,
      HistoryRecord,
    ];

    await openView(page, 'History');
    const rows = historyRows(page);
    const view = page.getByRole('region', { name: 'History' });
    // The count under the search box is what the box's description reads out.
    const search = historySearch(page);
    await expect(search).toHaveAccessibleDescription('4 entries');
    // Newest first, each row the record it stands for.
    const expected = [
      { at: recordError.at, kind: 'Error', iid: blocked, outcome: `0x67${blockedMessage}` },
      { at: recordB.at, kind: 'CID', iid: iidB, outcome: grouped(cidOf(iidB), 6) },
      { at: recordA.at, kind: 'CID', iid: iidA, outcome: grouped(cidOf(iidA), 6) },
      { at: old.at, kind: 'CID', iid: iidOld, outcome: grouped(cidOf(iidOld), 6) },
    ];
    await expect(rows).toHaveCount(expected.length);
    for (const [i, row] of expected.entries()) {
      await expect(rows.nth(i).locator('time')).toHaveAttribute('datetime', row.at);
      await expect(rows.nth(i).getByRole('cell').nth(1)).toHaveText(row.kind);
      await expect(rows.nth(i).getByRole('cell').nth(2)).toHaveText(spaced(row.iid));
      await expect(rows.nth(i).getByRole('cell').nth(3)).toHaveText(row.outcome);
    }

    // Groups B and C of a CID, copied with their dash from the row, find only that entry.
    const fragment = grouped(cidOf(iidB), 6).slice(7, 20);
    await search.fill(fragment);
    await expect(search).toHaveAccessibleDescription(`1 entry match “${fragment}”`);
    await expect(rows).toHaveCount(1);
    await expect(rows.first().getByRole('cell').nth(2)).toHaveText(spaced(iidB));
    const today = localToday();
    await search.fill(today);
    await expect(search).toHaveAccessibleDescription(`3 entries match “${today}”`);
    await expect(rows).toHaveCount(3);
    await expect(rows.filter({ hasText: spaced(iidOld) })).toHaveCount(0);
    await search.fill('');
    await expect(search).toHaveAccessibleDescription('4 entries');

    await rows
      .nth(1)
      .getByRole('button', { name: /^Copy the Confirmation ID of / })
      .click();
    await expect(view.getByRole('status').filter({ hasText: 'Copied' })).toHaveText(
      'Copied the Confirmation ID (48 digits)',
    );
    expect(await readClipboard(page)).toBe(cidOf(iidB));

    // Deleting asks first, naming the ID and the activation a new request would use.
    await rows
      .nth(2)
      .getByRole('button', { name: /^Delete the entry of / })
      .click();
    const confirm = page.getByRole('dialog', { name: 'Delete this entry?' });
    await expect(confirm.getByText(spaced(iidA), { exact: true })).toBeVisible();
    await expect(
      confirm.getByText('Asking for it again would use another activation'),
    ).toBeVisible();
    await confirm.getByRole('button', { name: 'Delete' }).click();
    await expect(confirm).toHaveCount(0);
    await expect(search).toHaveAccessibleDescription('3 entries');
    await expect(rows.filter({ hasText: spaced(iidA) })).toHaveCount(0);
    const afterDelete = await historyOnDisk(dataDir);
    expect(afterDelete.slice(0, onDisk.length)).toEqual(onDisk);
    expect(afterDelete).toHaveLength(onDisk.length + 1);
    expect(afterDelete.at(-1)).toEqual({
      v: 1,
      id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/),
      at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      type: 'delete',
      target: recordA.id,
    });

    // The application menu's History command opens the same list.
    await openView(page, 'Activate');
    await expect(viewHeading(page, 'History')).toBeHidden();
    await app.command('history');
    await expect(viewHeading(page, 'History')).toBeVisible();
    await expect(rows).toHaveCount(3);

    const csvPath = testInfo.outputPath('history.csv');
    app.dialogs.savePath = csvPath;
    await page.getByRole('button', { name: 'Export CSV…' }).click();
    await expect(view.locator('p', { hasText: 'Saved to' })).toHaveText(`Saved to ${csvPath}`);
    const bytes = await readFile(csvPath);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(parseCsv(bytes.subarray(3).toString('utf8'))).toEqual([
      ['date', 'IID', 'Extended PID', 'result', 'CID', 'error code', 'message'],
      [recordError.at, grouped(blocked, 7), DEFAULT_PID, 'error', '', '0x67', blockedMessage],
      [recordB.at, grouped(iidB, 7), DEFAULT_PID, 'CID', grouped(cidOf(iidB), 6), '', ''],
      [old.at, grouped(iidOld, 7), DEFAULT_PID, 'CID', grouped(cidOf(iidOld), 6), '', ''],
    ]);

    // A listed ID is answered from the history; the deleted one is sent again.
    await app.command('new');
    await requestCid(page, iidB);
    await expectCid(page, cidOf(iidB));
    await expect(page.getByText(ALREADY_OBTAINED)).toBeVisible();
    expect(simulator.requestCount).toBe(3);
    await newActivation.click();
    await requestCid(page, iidA);
    await expectCid(page, cidOf(iidA));
    await expect(page.getByText(ALREADY_OBTAINED)).toHaveCount(0);
    expect(simulator.requests.map((request) => request.iid)).toEqual([iidA, iidB, blocked, iidA]);
  });
});

test('the window and the cid-desk command share one history, each answering from the other', async ({
  app,
}) => {
  checkCliBuild();
  const { page, simulator, dataDir } = app;
  const fromCli = deriveIid('obtained by the command line');
  const fromWindow = deriveIid('obtained in the window');
  const get = (iid: string) => cli(['get', iid, '--endpoint', simulator.url, '--json'], dataDir);

  const first = await get(fromCli);
  expect(first).toMatchObject({ status: 0, stderr: '' });
  expect(JSON.parse(first.stdout)).toMatchObject({
    ok: true,
    iid: fromCli,
    pid: DEFAULT_PID,
    cid: cidOf(fromCli),
    fromHistory: false,
  });
  expect(simulator.requests.map((request) => request.iid)).toEqual([fromCli]);

  // The window, open all along, sees what the command appended.
  await requestCid(page, fromCli);
  await expectCid(page, cidOf(fromCli));
  await expect(page.getByText(ALREADY_OBTAINED)).toBeVisible();
  expect(simulator.requestCount).toBe(1);

  await page.getByRole('button', { name: 'New activation' }).click();
  await requestCid(page, fromWindow);
  await expectCid(page, cidOf(fromWindow));
  await expect(page.getByText(ALREADY_OBTAINED)).toHaveCount(0);
  expect(simulator.requests.map((request) => request.iid)).toEqual([fromCli, fromWindow]);

  const second = await get(fromWindow);
  expect(second).toMatchObject({ status: 0, stderr: '' });
  expect(JSON.parse(second.stdout)).toMatchObject({
    ok: true,
    iid: fromWindow,
    cid: cidOf(fromWindow),
    fromHistory: true,
  });
  expect(simulator.requestCount).toBe(2);

  await openView(page, 'History');
  await expect(historySearch(page)).toHaveAccessibleDescription('2 entries');
  const rows = historyRows(page);
  await expect(rows).toHaveCount(2);
  await expect(rows.first().getByRole('cell').nth(2)).toHaveText(spaced(fromWindow));
  await expect(rows.nth(1).getByRole('cell').nth(2)).toHaveText(spaced(fromCli));
  await expect(rows.nth(1).getByRole('cell').nth(3)).toHaveText(grouped(cidOf(fromCli), 6));
});

const [kept1, kept2] = ['damaged first', 'damaged second'].map((seed) => deriveIid(seed)) as [
  string,
  string,
];
/** Two CIDs with a line between them that a crash or a disk left half written. */
const damaged =
  `${JSON.stringify(cidRecord(kept1, '2025-03-14T09:26:53.589Z'))}\n` +
  '{"v":1,"id":"9c2d1e7a-0b4f-4c1a-9e55-7d3a2b1c0f6e","at":"2025-03-14T09:3#%&*!\n' +
  `${JSON.stringify(cidRecord(kept2, '2025-03-15T10:02:00.000Z'))}\n`;

test.describe('with a damaged history file', () => {
  test.use({ initialHistory: damaged });

  test('it is moved aside untouched, and the CIDs still readable in it keep answering', async ({
    app,
  }) => {
    const { page, simulator, dataDir } = app;
    const fresh = deriveIid('after the damage');

    const banner = page
      .getByRole('region', { name: 'Notices' })
      .getByRole('alert')
      .filter({ hasText: 'The history file was damaged' });
    await expect(banner).toBeVisible();
    const aside = readdirSync(dataDir).filter((name) =>
      name.startsWith(`${HISTORY_FILE_NAME}.damaged-`),
    );
    expect(aside).toEqual([expect.stringMatching(/^history\.jsonl\.damaged-\d{8}T\d{6}Z$/)]);
    const movedTo = path.join(dataDir, aside[0]!);
    expect(await readFile(movedTo, 'utf8')).toBe(damaged);
    await expect(banner.locator('p')).toHaveText([
      'The history file was damaged',
      `Your history file was damaged and has been moved aside to ${movedTo}; nothing in it was deleted. The 2 entries that could still be read were kept, so their CIDs go on being answered from the history; 1 damaged line was left out.`,
      `Before you request a CID for a machine you have handled before, look for its Installation ID in ${movedTo} (a text file, one entry per line). What was wrong: line 2 is not valid JSON.`,
    ]);

    await requestCid(page, kept1);
    await expectCid(page, cidOf(kept1));
    await expect(page.getByText(ALREADY_OBTAINED)).toBeVisible();
    await page.getByRole('button', { name: 'New activation' }).click();
    await requestCid(page, kept2);
    await expectCid(page, cidOf(kept2));
    await expect(page.getByText(ALREADY_OBTAINED)).toBeVisible();
    expect(simulator.requestCount).toBe(0);

    await page.getByRole('button', { name: 'New activation' }).click();
    await requestCid(page, fresh);
    await expectCid(page, cidOf(fresh));
    await expect(page.getByText(ALREADY_OBTAINED)).toHaveCount(0);
    expect(simulator.requests.map((request) => request.iid)).toEqual([fresh]);
    expect((await historyOnDisk(dataDir)).map((record) => 'iid' in record && record.iid)).toEqual([
      kept1,
      kept2,
      fresh,
    ]);

    await page.getByRole('button', { name: 'Dismiss: The history file was damaged' }).click();
    await expect(page.getByRole('region', { name: 'Notices' })).toHaveCount(0);
    // Dismissing is for this run of the window: the moved-aside file stays where it is.
    expect(await readFile(movedTo, 'utf8')).toBe(damaged);
  });
});
