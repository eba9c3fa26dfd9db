/**
 * The window's main path end to end: an Installation ID pasted like a user does, the request the
 * simulator receives, the Confirmation ID on screen and on the clipboard, and the guards that keep
 * a request from being sent by mistake or twice.
 */
import { DEFAULT_PID } from '../shared/pid';
import { SAMPLE_SUCCESS } from '../shared/protocol-samples';
import { simulatedCid } from '../electron/simulator/simulator';
import { DEMO_IIDS, deriveIid } from '../electron/simulator/simulator-scenarios';
import { expect, test } from './harness';
import {
  activationWarning,
  errorHeading,
  expectCid,
  getCidButton,
  groupBox,
  pasteIid,
  readClipboard,
  requestCid,
} from './window-actions';

const IID_GROUPS = SAMPLE_SUCCESS.iid.match(/\d{7}/g)!;
const CID = SAMPLE_SUCCESS.cid;
const CID_WITH_DASHES = CID.match(/\d{6}/g)!.join('-');

test('a pasted Installation ID gets its Confirmation ID, and each copy button copies exactly it', async ({
  app,
}) => {
  const { page, simulator } = app;
  // As Windows shows it, with dashes, pasted into a box in the middle.
  await pasteIid(page, IID_GROUPS.join('-'), 5);

  for (const [i, group] of IID_GROUPS.entries())
    await expect(groupBox(page, i + 1)).toHaveValue(group);
  await expect(
    page.getByText('63-digit ID · 63 of 63 digits · every group checks out'),
  ).toBeVisible();
  expect(simulator.requestCount).toBe(0);

  await getCidButton(page).click();
  await expectCid(page, CID);
  await expect(page.getByText(`For Installation ID ${IID_GROUPS.join(' ')}`)).toBeVisible();

  expect(simulator.requestCount).toBe(1);
  const [sent] = simulator.requests;
  expect(sent).toMatchObject({
    requestType: 1,
    iid: SAMPLE_SUCCESS.iid,
    pid: DEFAULT_PID,
    rejected: null,
    response: { status: 200, outcome: 'complete' },
  });

  // Each copy is read back from the system clipboard once the window says it is done.
  const copy = async (button: string, confirmation: string) => {
    await page.getByRole('button', { name: button, exact: true }).click();
    await expect(page.getByRole('status').getByText(confirmation, { exact: true })).toBeVisible();
    return readClipboard(page);
  };
  expect(await copy('Copy all', 'Copied all 48 digits')).toBe(CID);
  expect(await copy('Copy with dashes', 'Copied all 48 digits with dashes')).toBe(CID_WITH_DASHES);
  expect(await copy('Copy group C', 'Copied group C')).toBe('868792');
  expect(
    await copy(
      'Copy command: slmgr.vbs /atp with the Confirmation ID',
      'Copied slmgr.vbs /atp with the Confirmation ID',
    ),
  ).toBe(`slmgr.vbs /atp ${CID}`);

  await page.getByRole('radio', { name: 'Office' }).check();
  await expect(page.getByText(`cscript ospp.vbs /actcid:${CID}`, { exact: true })).toBeVisible();
  expect(
    await copy(
      'Copy command: ospp.vbs /actcid with the Confirmation ID',
      'Copied ospp.vbs /actcid with the Confirmation ID',
    ),
  ).toBe(`cscript ospp.vbs /actcid:${CID}`);

  // Copying is not asking: still one request.
  expect(simulator.requestCount).toBe(1);

  await page.getByRole('button', { name: 'New activation' }).click();
  await expect(groupBox(page, 1)).toBeFocused();
  for (let n = 1; n <= 9; n += 1) await expect(groupBox(page, n)).toHaveValue('');
  await expect(getCidButton(page)).toBeDisabled();
});

test('a typo flags its group and nothing is sent until it is fixed', async ({ app }) => {
  const { page, simulator } = app;
  // One digit of group 3 mistyped (4081693 -> 4081793): its check digit no longer matches.
  const typo = [...IID_GROUPS];
  typo[2] = '4081793';
  await pasteIid(page, typo.join(' '));

  await expect(groupBox(page, 3)).toHaveAttribute('aria-invalid', 'true');
  for (const n of [1, 2, 4, 5, 6, 7, 8, 9]) {
    await expect(groupBox(page, n)).not.toHaveAttribute('aria-invalid');
  }
  await expect(
    page.getByText("Group 3 doesn't match its check digit – compare it with the machine's screen."),
  ).toBeVisible();
  await expect(getCidButton(page)).toBeDisabled();

  // Enter in the last box, where the cursor is after a paste, must not send it either.
  await expect(groupBox(page, 9)).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('button', { name: 'Cancel' })).toHaveCount(0);
  await expect(getCidButton(page)).toBeDisabled();
  expect(simulator.requestCount).toBe(0);

  // Retyping the group as the machine shows it clears the flag and lets the ID go.
  await groupBox(page, 3).selectText();
  await page.keyboard.type(IID_GROUPS[2]!);
  await expect(groupBox(page, 3)).not.toHaveAttribute('aria-invalid');
  await expect(
    page.getByText("Group 3 doesn't match its check digit", { exact: false }),
  ).toHaveCount(0);
  await expect(getCidButton(page)).toBeEnabled();
  expect(simulator.requestCount).toBe(0);

  await page.keyboard.press('Enter');
  await expectCid(page, CID);
  expect(simulator.requests.map((request) => request.iid)).toEqual([SAMPLE_SUCCESS.iid]);
});

test('a double click, two clicks before the window redraws, or Enter twice send one request each', async ({
  app,
}) => {
  const { page, simulator } = app;
  // A different ID each time, so none can be answered from the history of the one before.
  const [dblclickIid, sameTaskIid, enterIid, retryIid] = [
    'double click',
    'two clicks in one task',
    'Enter twice',
    'try again twice',
  ].map((seed) => deriveIid(seed));
  // The answer takes a moment, so the second click or Enter arrives while the first is running.
  const slowly = (iid: string) => simulator.setScenario({ iid }, { kind: 'slow', delayMs: 1500 });
  const waiting = page
    .getByRole('status')
    .filter({ hasText: "Asking Microsoft's activation service…" });
  const newActivation = page.getByRole('button', { name: 'New activation' });

  slowly(dblclickIid!);
  await pasteIid(page, dblclickIid!);
  await getCidButton(page).dblclick();
  await expect(waiting).toBeVisible();
  await expectCid(page, simulatedCid(dblclickIid!, DEFAULT_PID));
  expect(simulator.requestCount).toBe(1);

  // Both clicks in one task, before React has re-rendered the button away.
  slowly(sameTaskIid!);
  await newActivation.click();
  await pasteIid(page, sameTaskIid!);
  await getCidButton(page).evaluate((button) => {
    button.click();
    button.click();
  });
  await expect(waiting).toBeVisible();
  await expectCid(page, simulatedCid(sameTaskIid!, DEFAULT_PID));
  expect(simulator.requestCount).toBe(2);

  slowly(enterIid!);
  await newActivation.click();
  await pasteIid(page, enterIid!);
  await page.keyboard.press('Enter');
  await page.keyboard.press('Enter');
  await expect(waiting).toBeVisible();
  await expectCid(page, simulatedCid(enterIid!, DEFAULT_PID));
  expect(simulator.requestCount).toBe(3);

  // "Try again" after an error spends an activation too; the second click lands on the entry.
  simulator.setScenario({ iid: retryIid! }, { kind: 'html-500' });
  await newActivation.click();
  await requestCid(page, retryIid!);
  await expect(errorHeading(page)).toHaveText("The service isn't answering properly");
  expect(simulator.requestCount).toBe(4);
  slowly(retryIid!);
  // The failed request may have spent an activation: trying again asks first.
  await page.getByRole('button', { name: 'Try again…' }).click();
  await page
    .getByRole('dialog', { name: 'Ask Microsoft again?' })
    .getByRole('button', { name: 'Try again' })
    .dblclick();
  await expect(waiting).toBeVisible();
  await expectCid(page, simulatedCid(retryIid!, DEFAULT_PID));
  expect(simulator.requests.map((request) => request.iid)).toEqual([
    dblclickIid,
    sameTaskIid,
    enterIid,
    retryIid,
    retryIid,
  ]);
});

test('asking again for an ID answered before shows the saved Confirmation ID and sends nothing', async ({
  app,
}) => {
  const { page, simulator } = app;
  await requestCid(page, SAMPLE_SUCCESS.iid);
  await expectCid(page, CID);
  await expect(page.getByText(/no activation was used/)).toHaveCount(0);
  expect(simulator.requestCount).toBe(1);

  await page.getByRole('button', { name: 'New activation' }).click();
  await requestCid(page, SAMPLE_SUCCESS.iid);
  await expectCid(page, CID);
  await expect(page.getByText(/^Already obtained on .+no activation was used\.$/)).toBeVisible();
  expect(simulator.requestCount).toBe(1);

  // The history is on disk: a new run of the app answers from it too.
  await app.restart();
  await requestCid(page, SAMPLE_SUCCESS.iid);
  await expectCid(page, CID);
  await expect(page.getByText(/^Already obtained on .+no activation was used\.$/)).toBeVisible();
  expect(simulator.requestCount).toBe(1);
});

test('Cancel ends the wait for a hanging request at once, and the answer is still awaited', async ({
  app,
}) => {
  const { page, simulator } = app;
  const cancelledHeading = page.getByRole('heading', { level: 1, name: 'Request cancelled' });
  await requestCid(page, DEMO_IIDS.hang);

  await expect(
    page.getByRole('status').filter({ hasText: "Asking Microsoft's activation service…" }),
  ).toBeVisible();
  await expect(page.getByText('gives up after 30 s')).toBeVisible();
  // The boxes keep the ID but cannot be edited while it is being asked.
  await expect(groupBox(page, 1)).toHaveAttribute('readonly');
  await expect.poll(() => simulator.requestCount).toBe(1);

  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(cancelledHeading).toBeVisible();
  await expect(page.getByText('Network problem · Cancelled')).toBeVisible();
  await expect(
    page.getByText(
      'Cancelled. The request had already been sent, so CID Desk goes on waiting for its answer in the background (at most 30 seconds) and keeps any Confirmation ID it brings in the history.',
      { exact: true },
    ),
  ).toBeVisible();
  await expect(activationWarning(page)).toBeVisible();
  // The activation may be spent: the connection stays open so that a CID in the answer is kept.
  expect(simulator.requests[0]?.response.outcome).toBe('pending');
  expect(simulator.requestCount).toBe(1);

  await page.getByRole('button', { name: 'Edit ID' }).click();
  await expect(groupBox(page, 9)).toHaveValue(DEMO_IIDS.hang.slice(56));
  await expect(getCidButton(page)).toBeEnabled();

  // Escape cancels as well.
  const other = deriveIid('escape cancels');
  simulator.setScenario({ iid: other }, { kind: 'hang' });
  await page.getByRole('button', { name: 'Clear' }).click();
  await requestCid(page, other);
  await expect.poll(() => simulator.requestCount).toBe(2);
  await page.keyboard.press('Escape');
  await expect(cancelledHeading).toBeVisible();
  expect(simulator.requestCount).toBe(2);
});

test.describe('in the smallest window', () => {
  // MIN_SIZE (window-state): the window cannot be made smaller.
  test.use({ viewport: { width: 640, height: 560 } });

  test('Get Confirmation ID and Cancel stay in view at the bottom edge', async ({ app }) => {
    const { page } = app;
    await pasteIid(page, DEMO_IIDS.hang);
    // The last group has the focus and the page is scrolled to it; the button is still whole.
    await expect(groupBox(page, 9)).toBeFocused();
    await expect(getCidButton(page)).toBeInViewport({ ratio: 1 });
    await expect(groupBox(page, 9)).toBeInViewport({ ratio: 1 });

    await getCidButton(page).click();
    const cancel = page.getByRole('button', { name: 'Cancel' });
    await expect(cancel).toBeInViewport({ ratio: 1 });
    await cancel.click();
    await expect(errorHeading(page)).toHaveText('Request cancelled');
  });
});
