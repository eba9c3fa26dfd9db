/**
 * What the user reads when the service refuses, breaks or never answers, and the settings that
 * shape a request, set through the Settings dialog and kept in the data folder.
 */
import { readFile } from 'node:fs/promises';
import { describeErrorCode, ERROR_CATALOG } from '../shared/error-catalog';
import { DEFAULT_PID } from '../shared/pid';
import { SAMPLE_BLOCKED } from '../shared/protocol-samples';
import { TIMEOUT_RANGE } from '../shared/settings';
import {
  DEMO_IIDS,
  UNKNOWN_DEMO_CODE,
  type DemoName,
} from '../electron/simulator/simulator-scenarios';
import { simulatedCid } from '../electron/simulator/simulator';
import { expect, test } from './harness';
import {
  activationWarning,
  errorHeading,
  expectCid,
  getCidButton,
  pasteIid,
  requestCid,
} from './window-actions';

/** The catalogue's phone advice, which the window moves out of the advice into its own box. */
const PHONE_ADVICE =
  'Run "slui 4" on the machine you are activating and call the number it shows: Microsoft can issue a Confirmation ID by phone to the owner of a genuine key.';
const SERVICE_DOWN =
  'The activation service is probably down or overloaded. Wait a few minutes and try again; if it keeps happening, use Microsoft\'s phone activation ("slui 4" on the machine you are activating).';
/** A valid Extended PID other than the default, as a user copies it from slmgr.vbs /dlv. */
const OWN_PID = '55041-00172-033-600075-03-1033-7601.0000-1412012';
const WAIT_BEFORE_RETRY =
  'Wait a few minutes before asking again for the same Installation ID: if the service did issue a Confirmation ID, a new request spends another activation.';

function demoIid(name: string): string {
  if (!(name in DEMO_IIDS)) throw new Error(`The simulator has no demo IID for ${name}.`);
  return DEMO_IIDS[name as DemoName];
}

test('every error code the service returns is explained, with the verdict on phone activation', async ({
  app,
}) => {
  const { page, simulator } = app;
  const cases = [
    ...ERROR_CATALOG.map((info) => ({ code: info.code, iid: demoIid(info.code) })),
    { code: UNKNOWN_DEMO_CODE, iid: demoIid('unknown-code') },
    // The published blocked-key sample, in the older 54-digit form.
    { code: SAMPLE_BLOCKED.errorCode, iid: SAMPLE_BLOCKED.iid },
  ];
  const phoneHelps = page.getByText('Phone activation may help:');
  const phoneUseless = page.getByText("Phone activation won't help for this code.", {
    exact: true,
  });

  for (const [i, { code, iid }] of cases.entries()) {
    await test.step(code, async () => {
      const info = describeErrorCode(code);
      if (i > 0) await page.getByRole('button', { name: 'Edit ID' }).click();
      await requestCid(page, iid);

      await expect(errorHeading(page)).toHaveText(info.title);
      await expect(
        page.getByText(`Microsoft refused the request · code ${info.code}`, { exact: true }),
      ).toBeVisible();
      await expect(page.getByText(info.explanation, { exact: true })).toBeVisible();
      const advice = info.advice.replace(PHONE_ADVICE, '').trim();
      if (advice) await expect(page.getByText(advice, { exact: true })).toBeVisible();
      if (info.phoneActivation === 'maybe') {
        await expect(phoneHelps).toBeVisible();
        await expect(phoneUseless).toHaveCount(0);
      } else {
        await expect(phoneUseless).toBeVisible();
        await expect(phoneHelps).toHaveCount(0);
      }
      // Said once, in its own box, never twice on one screen.
      await expect(
        page.getByText('call the number it shows').filter({ visible: true }),
      ).toHaveCount(info.phoneActivation === 'maybe' ? 1 : 0);
      // A refusal is an answer: no Confirmation ID was issued, so nothing was spent.
      await expect(activationWarning(page)).toHaveCount(0);
    });
  }
  expect(simulator.requests.map((request) => [request.iid, request.scenario])).toEqual(
    cases.map(({ code, iid }) => [iid, code]),
  );

  // Looked up from the last one, the reference opens on that code.
  await page.getByRole('button', { name: 'Look it up in the error codes' }).click();
  const reference = page.getByRole('dialog', { name: 'Error codes' });
  await expect(reference).toBeVisible();
  const current = reference.getByRole('listitem').filter({ hasText: 'This error' });
  await expect(current).toHaveCount(1);
  await expect(current.getByRole('heading')).toHaveText(describeErrorCode('0x67').title);
  await expect(current).toBeInViewport();
  await page.keyboard.press('Escape');
  await expect(reference).toHaveCount(0);
});

test('a broken or unreachable service is explained as such, with the risk to the activation', async ({
  app,
}) => {
  const { page, simulator } = app;
  const cases: { name: DemoName; heading: string; explanation: string; advice: string }[] = [
    {
      name: 'html-500',
      heading: "The service isn't answering properly",
      explanation:
        'The service answered HTTP 500 Internal Server Error with a web page ("Runtime Error").',
      advice: SERVICE_DOWN,
    },
    {
      name: 'html-503',
      heading: "The service isn't answering properly",
      explanation: 'The service answered HTTP 503 Service Unavailable with a web page.',
      advice: SERVICE_DOWN,
    },
    {
      name: 'bad-check-digit',
      heading: "The service isn't answering properly",
      explanation: 'The Confirmation ID in the answer fails its check digits, so it was not shown.',
      advice:
        'Try again later. A damaged Confirmation ID would be refused by Windows, so it is safer not to use it.',
    },
    {
      name: 'wrong-iid',
      heading: "The service isn't answering properly",
      explanation: 'The answer is for a different Installation ID than the one sent.',
      advice:
        'The answer was discarded. Try again; if it happens again, the service or something between you and it is misbehaving.',
    },
    {
      name: 'reset',
      heading: 'The connection to Microsoft was cut off',
      explanation: `The connection to 127.0.0.1:${simulator.port} was cut off before a complete answer arrived.`,
      advice: WAIT_BEFORE_RETRY,
    },
  ];

  for (const { name, heading, explanation, advice } of cases) {
    await test.step(name, async () => {
      await requestCid(page, DEMO_IIDS[name]);
      await expect(errorHeading(page)).toHaveText(heading);
      await expect(page.getByText(explanation, { exact: true })).toBeVisible();
      await expect(page.getByText(advice, { exact: true })).toBeVisible();
      await expect(activationWarning(page)).toBeVisible();
      await expect(page.getByRole('list', { name: 'Confirmation ID groups' })).toHaveCount(0);
      await page.getByRole('button', { name: 'Edit ID' }).click();
    });
  }
  expect(simulator.requests.map((request) => request.scenario)).toEqual(
    cases.map(({ name }) => name),
  );
});

test('a short timeout set in Settings gives up on a silent service and warns about the activation', async ({
  app,
}) => {
  const { page, simulator, settingsFile } = app;
  await page.getByRole('button', { name: 'Settings' }).click();
  const dialog = page.getByRole('dialog', { name: 'Settings' });
  const timeout = dialog.getByRole('spinbutton', { name: 'Timeout' });
  await expect(timeout).toHaveValue('30');

  // One below the minimum is refused in the dialog, and nothing is written.
  await timeout.fill(String(TIMEOUT_RANGE.min - 1));
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(
    dialog.getByText(
      `The timeout must be a whole number of seconds from ${TIMEOUT_RANGE.min} to ${TIMEOUT_RANGE.max}.`,
    ),
  ).toBeVisible();
  await expect(timeout).toBeFocused();
  await expect(readFile(settingsFile, 'utf8')).rejects.toThrow(/ENOENT/);

  await timeout.fill(String(TIMEOUT_RANGE.min));
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(dialog).toHaveCount(0);
  expect(JSON.parse(await readFile(settingsFile, 'utf8'))).toEqual({
    pid: null,
    timeoutSeconds: TIMEOUT_RANGE.min,
    demoMode: false,
  });

  await requestCid(page, DEMO_IIDS.hang);
  await expect(page.getByText(`gives up after ${TIMEOUT_RANGE.min} s`)).toBeVisible();
  await expect(errorHeading(page)).toHaveText("Microsoft didn't answer in time", {
    timeout: (TIMEOUT_RANGE.min + 10) * 1000,
  });
  await expect(
    page.getByText('Network problem · No answer in time', { exact: true }),
  ).toBeVisible();
  await expect(
    page.getByText(
      `No complete answer came from 127.0.0.1:${simulator.port} within ${TIMEOUT_RANGE.min} seconds.`,
      { exact: true },
    ),
  ).toBeVisible();
  await expect(
    page.getByText(`${WAIT_BEFORE_RETRY} On a slow connection, a longer timeout may help.`, {
      exact: true,
    }),
  ).toBeVisible();
  await expect(activationWarning(page)).toBeVisible();

  // Given up means the connection is closed, and nothing was sent again.
  await expect.poll(() => simulator.requests[0]?.response.outcome).toBe('aborted');
  expect(simulator.requestCount).toBe(1);
});

test('settings saved in the dialog are kept in settings.json and are in force after a restart', async ({
  app,
}) => {
  const { page, simulator, settingsFile } = app;
  expect(OWN_PID).not.toBe(DEFAULT_PID);
  const demoBanner = page
    .getByRole('note')
    .filter({ hasText: 'DEMO MODE – answers come from a built-in simulator, not from Microsoft' });
  await expect(demoBanner).toHaveCount(0);

  await page.getByRole('button', { name: 'Settings' }).click();
  let dialog = page.getByRole('dialog', { name: 'Settings' });
  await dialog.getByRole('radio', { name: 'My own' }).check();
  await dialog.getByRole('textbox', { name: 'My own Extended PID' }).fill(OWN_PID);
  await dialog.getByRole('spinbutton', { name: 'Timeout' }).fill('45');
  // The switch's track covers its checkbox, as in the app: the user clicks the switch's label.
  await dialog.getByText('Demo mode', { exact: true }).click();
  await expect(dialog.getByRole('switch', { name: 'Demo mode' })).toBeChecked();
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(demoBanner).toBeVisible();

  expect(await readFile(settingsFile, 'utf8')).toBe(
    `${JSON.stringify({ pid: OWN_PID, timeoutSeconds: 45, demoMode: true }, null, 2)}\n`,
  );

  await app.restart();
  await expect(demoBanner).toBeVisible();
  // This time from the application menu (Settings…), which main sends to the window.
  await app.command('settings');
  dialog = page.getByRole('dialog', { name: 'Settings' });
  await expect(dialog.getByRole('radio', { name: 'My own' })).toBeChecked();
  await expect(dialog.getByRole('textbox', { name: 'My own Extended PID' })).toHaveValue(OWN_PID);
  await expect(dialog.getByRole('spinbutton', { name: 'Timeout' })).toHaveValue('45');
  await expect(dialog.getByRole('switch', { name: 'Demo mode' })).toBeChecked();
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toHaveCount(0);

  // The saved PID is the one the request carries.
  await pasteIid(page, DEMO_IIDS.cid);
  await getCidButton(page).click();
  await expectCid(page, simulatedCid(DEMO_IIDS.cid, OWN_PID));
  await expect(
    page.getByRole('heading', { level: 1, name: 'Confirmation ID Demo CID' }),
  ).toBeVisible();
  expect(simulator.requests.map((request) => request.pid)).toEqual([OWN_PID]);
  await expect(
    page.getByText(
      'A demo Confirmation ID from the built-in simulator. It will not activate anything, and no activation was used.',
    ),
  ).toBeVisible();
});
