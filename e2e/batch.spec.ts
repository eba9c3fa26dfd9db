/**
 * Many Installation IDs at once, and the remaining activations of a key: what the window shows,
 * what reaches the simulator (one request per ID not yet in the history, none after a cancel),
 * and the CSV file a user exports.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describeErrorCode, serviceError } from '../shared/error-catalog';
import type { CidRecord, HistoryRecord } from '../shared/history';
import { parseIid } from '../shared/iid';
import { DEFAULT_PID, parsePid } from '../shared/pid';
import { HISTORY_FILE_NAME } from '../electron/history/history-store';
import { simulatedCid } from '../electron/simulator/simulator';
import { DEMO_IIDS, DEMO_PIDS, deriveIid } from '../electron/simulator/simulator-scenarios';
import { expect, test } from './harness';
import {
  batchRows,
  expectCid,
  grouped,
  openView,
  parseCsv,
  requestCid,
  viewHeading,
} from './window-actions';

/** A valid Extended PID other than the default, as a user copies it from slmgr.vbs /dlv. */
const OWN_PID = '55041-00172-033-600075-03-1033-7601.0000-1412012';

function cidOf(iid: string): string {
  return simulatedCid(iid, DEFAULT_PID);
}

/** One digit of group 3 changed, so that group fails its check digit. */
function withTypoInGroup3(iid: string): string {
  return `${iid.slice(0, 16)}${(Number(iid[16]) + 1) % 10}${iid.slice(17)}`;
}

/** What a batch row's cells read: #, Installation ID, status, Confirmation ID or detail, copy. */
function rowCells(index: number, iid: string, status: string, last: string): string[] {
  return [String(index), grouped(iid, 7, ' '), status, last, ''];
}

test('a batch pasted from an e-mail asks once for each new ID, answers the rest from history, and exports', async ({
  app,
}, testInfo) => {
  const { page, simulator, dataDir } = app;
  const fresh = [1, 2, 3, 4, 5].map((n) => deriveIid(`batch ${n}`)) as [
    string,
    string,
    string,
    string,
    string,
  ];
  const known = deriveIid('batch in history');
  const blocked = DEMO_IIDS['0x67'];
  const typo = withTypoInGroup3(deriveIid('batch typo'));
  expect(parseIid(typo).ok).toBe(false);

  // One of them was handled before, through the Activate view.
  await requestCid(page, known);
  await expectCid(page, cidOf(known));
  expect(simulator.requestCount).toBe(1);

  const spaced = (iid: string) => grouped(iid, 7, ' ');
  const email = [
    'From: Dana Pérez <dana@example.com>',
    'Subject: Installation IDs for the new laptops (ticket 4471, 12 March)',
    '',
    'Hi,',
    '',
    'here are the IDs from this week, as each machine showed them:',
    '',
    `ACC-LT-01: ${spaced(fresh[0])}`,
    `ACC-LT-02: ${grouped(fresh[1], 7)}`,
    `ACC-LT-03: ${fresh[2]}`,
    `ACC-LT-04 ${spaced(fresh[3])}`,
    `ACC-LT-05: ${spaced(fresh[4])}`,
    `ACC-LT-06: ${spaced(typo)}`,
    `ACC-LT-07: ${spaced(known)}`,
    `ACC-LT-08: ${spaced(blocked)}`,
    `ACC-LT-01 again (sorry): ${grouped(fresh[0], 7)}`,
    '',
    'Call me on +44 20 7946 0958 if anything is unclear.',
    'Dana',
  ].join('\n');
  const inOrder = [...fresh, known, blocked];

  await openView(page, 'Batch');
  await page.getByRole('textbox', { name: 'Text with Installation IDs' }).fill(email);
  await expect(
    page.getByText('7 Installation IDs found · 1 duplicate dropped · 1 invalid'),
  ).toBeVisible();
  await expect(
    page.getByRole('heading', { name: 'Not a valid Installation ID (it will not be sent)' }),
  ).toBeVisible();
  const invalid = page.getByRole('listitem').filter({ hasText: spaced(typo) });
  await expect(invalid).toHaveText(
    `Line 13${spaced(typo)}Group 3 of the Installation ID does not pass its check digit.`,
  );
  // Reading the text sends nothing.
  expect(simulator.requestCount).toBe(1);

  await page.getByRole('button', { name: 'Get 7 Confirmation IDs' }).click();
  const confirm = page.getByRole('dialog', { name: 'Get 7 Confirmation IDs?' });
  await expect(
    confirm.getByText('which may use up to 7 activations of the product key'),
  ).toBeVisible();
  await confirm.getByRole('button', { name: 'Get 7 Confirmation IDs' }).click();

  const view = page.getByRole('region', { name: 'Batch' });
  await expect(view.locator('p', { hasText: 'Done:' })).toHaveText(
    'Done: 5 obtained · 1 from history · 1 failed · 0 not sent',
  );
  await expect(page.getByRole('progressbar', { name: '7 of 7 finished' })).toHaveAttribute(
    'aria-valuenow',
    '7',
  );
  await expect(page.getByRole('group', { name: 'Counts' })).toHaveText(
    '5Obtainedone activation each1From historyno activation used1Failed0Not sentno activation used',
  );
  const rows = batchRows(page);
  await expect(rows).toHaveCount(7);
  for (const [i, iid] of fresh.entries()) {
    await expect(rows.nth(i).getByRole('cell')).toHaveText(
      rowCells(i + 1, iid, 'CID', grouped(cidOf(iid), 6)),
    );
  }
  await expect(rows.nth(5).getByRole('cell')).toHaveText(
    rowCells(6, known, 'From history', grouped(cidOf(known), 6)),
  );
  await expect(rows.nth(6).getByRole('cell')).toHaveText(
    rowCells(7, blocked, '0x67', describeErrorCode('0x67').title),
  );

  // One request for each ID not in the history, the duplicate and the typo never sent.
  expect(simulator.requestCount).toBe(7);
  expect(
    simulator.requests
      .slice(1)
      .map((request) => request.iid)
      .sort(),
  ).toEqual([...fresh, blocked].sort());

  const text = await readFile(path.join(dataDir, HISTORY_FILE_NAME), 'utf8');
  const knownRecord = text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as HistoryRecord)
    .find((record): record is CidRecord => record.type === 'cid' && record.iid === known)!;

  const csvPath = testInfo.outputPath('batch results.csv');
  app.dialogs.savePath = csvPath;
  await page.getByRole('button', { name: 'Export CSV…' }).click();
  await expect(view.locator('p', { hasText: 'Saved to' })).toHaveText(`Saved to ${csvPath}`);
  const bytes = await readFile(csvPath);
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const csv = parseCsv(bytes.subarray(3).toString('utf8'));
  expect(csv).toHaveLength(1 + inOrder.length);
  expect(csv[0]).toEqual([
    'IID',
    'Result',
    'CID',
    'CID groups (dashes)',
    'From history',
    'Error code',
    'Message',
  ]);
  expect(csv[1]).toEqual([
    grouped(fresh[0], 7),
    'CID',
    cidOf(fresh[0]),
    grouped(cidOf(fresh[0]), 6),
    'no',
    '',
    '',
  ]);
  expect(csv[6]).toEqual([
    grouped(known, 7),
    'CID',
    cidOf(known),
    grouped(cidOf(known), 6),
    'yes',
    '',
    `Already obtained on ${knownRecord.at}; no activation was used.`,
  ]);
  expect(csv[7]).toEqual([
    grouped(blocked, 7),
    'error',
    '',
    '',
    '',
    '0x67',
    serviceError('0x67').message,
  ]);
  expect(csv.slice(1).map((row) => row[0])).toEqual(inOrder.map((iid) => grouped(iid, 7)));

  // A file of IDs opened from disk fills the text, ready for the next batch.
  await page.getByRole('button', { name: 'New batch' }).click();
  const listPath = testInfo.outputPath('machines.csv');
  const list = [
    'Machine,Installation ID',
    `ACC-LT-09,${grouped(deriveIid('batch file 1'), 7)}`,
    `ACC-LT-10,${grouped(deriveIid('batch file 2'), 7)}`,
    '',
  ].join('\r\n');
  await writeFile(listPath, list);
  app.dialogs.openPath = listPath;
  await page.getByRole('button', { name: 'Open file…' }).click();
  // A text box hands its value out with LF line ends, whatever the file had.
  await expect(page.getByRole('textbox', { name: 'Text with Installation IDs' })).toHaveValue(
    list.replaceAll('\r\n', '\n'),
  );
  await expect(view.getByText('machines.csv', { exact: true })).toBeVisible();
  await expect(page.getByText('2 Installation IDs found', { exact: true })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Get 2 Confirmation IDs' })).toBeEnabled();
  expect(simulator.requestCount).toBe(7);
});

test('cancelling a batch leaves the rows not yet sent unsent', async ({ app }) => {
  const { page, simulator } = app;
  const iids = [1, 2, 3, 4, 5].map((n) => deriveIid(`cancelled batch ${n}`));
  // The first answers at once; the ones after it hang until the batch is cancelled. Two go at a
  // time, so the second and third are under way when the user cancels, and the last two wait.
  for (const iid of iids.slice(1)) simulator.setScenario({ iid }, { kind: 'hang' });

  await openView(page, 'Batch');
  await page.getByRole('textbox', { name: 'Text with Installation IDs' }).fill(iids.join('\n'));
  await page.getByRole('button', { name: 'Get 5 Confirmation IDs' }).click();
  await page
    .getByRole('dialog', { name: 'Get 5 Confirmation IDs?' })
    .getByRole('button', { name: 'Get 5 Confirmation IDs' })
    .click();
  await expect(page.getByRole('img', { name: 'running' })).toBeVisible();
  await expect.poll(() => simulator.requestCount).toBe(3);
  const rows = batchRows(page);
  await expect(rows.nth(1).getByRole('cell').nth(2)).toHaveText('Sending…');
  await expect(rows.nth(2).getByRole('cell').nth(2)).toHaveText('Sending…');
  await expect(rows.nth(3).getByRole('cell').nth(2)).toHaveText('Queued');

  await page.getByRole('button', { name: 'Cancel', exact: true }).click();
  const view = page.getByRole('region', { name: 'Batch' });
  await expect(view.locator('p', { hasText: 'Done:' })).toHaveText(
    'Done: 1 obtained · 0 from history · 2 failed · 2 not sent',
  );
  await expect(page.getByRole('img', { name: 'running' })).toHaveCount(0);
  await expect(rows.nth(0).getByRole('cell').nth(2)).toHaveText('CID');
  // Cut off after they were sent: the window cannot know whether they spent an activation.
  for (const i of [1, 2]) {
    await expect(rows.nth(i).getByRole('cell').nth(2)).toHaveText('Network error');
    await expect(rows.nth(i).getByRole('cell').nth(3)).toContainText(
      'An activation may have been used',
    );
  }
  for (const i of [3, 4]) {
    await expect(rows.nth(i).getByRole('cell').nth(2)).toHaveText('Not sent');
    await expect(rows.nth(i).getByRole('cell').nth(3)).toHaveText('');
  }
  // The two sent are still awaited in the background, so a CID in their answers is kept.
  expect(simulator.requests.map((request) => request.response.outcome)).toEqual([
    'complete',
    'pending',
    'pending',
  ]);
  expect(simulator.requests.map((request) => request.iid)).toEqual(iids.slice(0, 3));
});

test('Remaining activations asks the service with RequestType 2 and explains the count', async ({
  app,
}) => {
  const { page, simulator } = app;
  simulator.setScenario({ pid: OWN_PID }, { kind: 'remaining', remaining: 5 });
  await app.command('remaining');
  await expect(viewHeading(page, 'Remaining activations')).toBeVisible();
  const pid = page.getByRole('textbox', { name: 'Extended PID' });
  const check = page.getByRole('button', { name: 'Check', exact: true });
  await expect(check).toBeDisabled();

  // One digit short in the last part.
  const short = OWN_PID.slice(0, -1);
  const problem = parsePid(short);
  if (problem.ok) throw new Error(`${short} was meant to be an invalid Extended PID.`);
  await pid.fill(short);
  await expect(pid).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByText(problem.error.message, { exact: true })).toBeVisible();
  await expect(check).toBeDisabled();

  await pid.fill(OWN_PID);
  await expect(pid).not.toHaveAttribute('aria-invalid');
  await check.click();
  const count = page.getByRole('heading', { level: 2, name: /activations? left$/ });
  await expect(count).toHaveText('5 activations left');
  await expect(page.getByText(`For Extended PID ${OWN_PID}`)).toBeVisible();
  await expect(
    page.getByText(
      'Each Confirmation ID Microsoft issues for a new Installation ID uses one of them.',
    ),
  ).toBeVisible();
  expect(
    simulator.requests.map((request) => [request.requestType, request.pid, request.iid]),
  ).toEqual([[2, OWN_PID, null]]);

  await pid.fill(DEMO_PIDS['none-left']);
  await check.click();
  await expect(count).toHaveText('No activations left');
  await expect(
    page.getByText(
      "This MAK can't activate any more machines. Ask your Microsoft licensing partner or the Volume Licensing Service Center to raise its limit.",
    ),
  ).toBeVisible();
  await expect(page.getByText('Phone activation may help:')).toBeVisible();
  expect(simulator.requests.map((request) => [request.requestType, request.pid])).toEqual([
    [2, OWN_PID],
    [2, DEMO_PIDS['none-left']],
  ]);
});
