import { act, cleanup, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { CidOutcome } from '../shared/activation';
import { ERROR_CATALOG } from '../shared/error-catalog';
import {
  APP_INFO,
  deferred,
  failure,
  groupInputs,
  groupValues,
  grouped,
  IID63,
  liveRegionsSaying,
  renderApp,
  success,
} from './test-support';

afterEach(cleanup);

async function startRequest(options: Parameters<typeof renderApp>[0] = {}) {
  const answer = deferred<CidOutcome>();
  const rendered = await renderApp({ api: { getCid: () => answer.promise }, ...options });
  await rendered.user.paste(IID63);
  await rendered.user.click(screen.getByRole('button', { name: 'Get Confirmation ID' }));
  return { ...rendered, answer };
}

describe('The window', () => {
  it('loads the settings at start and shows no demo marks outside demo mode', async () => {
    const { api } = await renderApp();
    expect(api.getSettings).toHaveBeenCalledTimes(1);
    expect(screen.queryByText(/DEMO MODE/)).toBeNull();
    expect(screen.queryByText('Demo')).toBeNull();
  });

  it('falls back to the defaults, and says so, when the settings cannot be read', async () => {
    await renderApp({ api: { getSettings: async () => Promise.reject(new Error('EACCES')) } });
    expect(screen.getByRole('alert')).toHaveTextContent(
      "The settings couldn't be read, so the defaults are shown. Open Settings to check them.",
    );
    expect(screen.getByRole('button', { name: 'Get Confirmation ID' })).toBeInTheDocument();
  });

  it('marks demo mode with a banner and a badge', async () => {
    await renderApp({ settings: { demoMode: true } });
    expect(screen.getByRole('note')).toHaveTextContent(
      'DEMO MODE – answers come from a built-in simulator, not from Microsoft',
    );
    expect(screen.getByText('Demo')).toBeVisible();
  });

  it('shows who is being asked while waiting, with the inputs read-only', async () => {
    await startRequest();
    expect(screen.getByText("Asking Microsoft's activation service…")).toBeVisible();
    expect(screen.getByText(/gives up after 30 s/)).toBeVisible();
    for (const input of groupInputs()) expect(input).toHaveAttribute('readonly');
    expect(screen.queryByRole('button', { name: 'Get Confirmation ID' })).toBeNull();
  });

  it('names the simulator while waiting in demo mode', async () => {
    await startRequest({ settings: { demoMode: true } });
    expect(screen.getByText('Asking the demo simulator…')).toBeVisible();
  });

  it('cancels the running request by its id, from the button', async () => {
    const { user, api } = await startRequest();
    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(api.cancel).toHaveBeenCalledTimes(1);
    const { requestId } = api.getCid.mock.calls[0]![0];
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(api.cancel).toHaveBeenCalledWith({ requestId });
    expect(screen.getByRole('button', { name: 'Cancelling…' })).toBeDisabled();
  });

  it('cancels with Escape and returns to the entry when the request stops', async () => {
    const { user, api, answer } = await startRequest();
    await user.keyboard('{Escape}');
    expect(api.cancel).toHaveBeenCalledWith({ requestId: api.getCid.mock.calls[0]![0].requestId });
    await act(async () =>
      answer.resolve(
        failure({ kind: 'network', cause: 'cancelled', mayHaveReachedService: false }),
      ),
    );
    expect(screen.getByText('Request cancelled. Press Enter to send it again.')).toBeVisible();
    expect(groupValues()).toEqual(grouped(IID63));
    expect(groupInputs()[8]).not.toHaveAttribute('readonly');
    // Said once, by the entry's own live region, not again by the window's announcer.
    expect(liveRegionsSaying('Request cancelled')).toHaveLength(1);
  });

  it('shows the error panel when a cancelled request may have reached the service', async () => {
    const { user, answer } = await startRequest();
    await user.keyboard('{Escape}');
    await act(async () =>
      answer.resolve(failure({ kind: 'network', cause: 'cancelled', mayHaveReachedService: true })),
    );
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent('Request cancelled');
    expect(screen.getByText(/an activation may have been used/)).toBeVisible();
  });

  it('does not warn of an activation when a demo request may have reached the simulator', async () => {
    const { user, api, answer } = await startRequest({ settings: { demoMode: true } });
    await user.keyboard('{Escape}');
    await act(async () =>
      answer.resolve(failure({ kind: 'network', cause: 'cancelled', mayHaveReachedService: true })),
    );
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent('Request cancelled');
    expect(screen.queryByText(/activation may have been used/)).toBeNull();
    // Trying again asks nothing: the simulator spends no activation.
    await user.click(screen.getByRole('button', { name: 'Try again' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(api.getCid).toHaveBeenCalledTimes(2);
  });

  it('shows the CID when the answer arrives and ignores menu "new" while busy', async () => {
    const { answer, sendCommand } = await startRequest();
    sendCommand('new');
    expect(groupValues()).toEqual(grouped(IID63));
    await act(async () => answer.resolve(success(IID63)));
    expect(screen.getByRole('heading', { name: /^Confirmation ID/ })).toBeVisible();
    sendCommand('new');
    expect(groupValues()).toEqual(Array(9).fill(''));
  });

  it('lists every catalogue code in the reference and filters it by code or word', async () => {
    const { user } = await renderApp();
    await user.click(screen.getByRole('button', { name: 'Error codes' }));
    const dialog = screen.getByRole('dialog', { name: 'Error codes' });
    const list = within(dialog).getByRole('list');
    expect(within(list).getAllByRole('listitem')).toHaveLength(ERROR_CATALOG.length);
    for (const info of ERROR_CATALOG) {
      const item = within(list).getByRole('heading', { name: info.title }).closest('li')!;
      expect(item).toHaveTextContent(info.code);
      expect(item).toHaveTextContent(info.explanation);
      expect(item).toHaveTextContent(info.advice);
      expect(item).toHaveTextContent(
        info.phoneActivation === 'maybe'
          ? 'Phone activation may help'
          : "Phone activation won't help",
      );
    }

    const search = within(dialog).getByRole('searchbox', { name: 'Filter by code or word' });
    expect(search).toHaveFocus();
    await user.type(search, '7f');
    expect(
      within(list)
        .getAllByRole('listitem')
        .map((li) => li.dataset.code),
    ).toEqual(['0x7F']);
    await user.clear(search);
    await user.type(search, 'blocked');
    expect(
      within(dialog)
        .getAllByRole('listitem')
        .map((li) => li.dataset.code),
    ).toEqual(['0x67', '0xC004C017']);
    expect(within(dialog).getByText('2 of 13 codes')).toBeVisible();
    await user.clear(search);
    await user.type(search, 'zzz');
    expect(within(dialog).getByText('No code matches “zzz”.')).toBeVisible();
  });

  it('opens the reference and About from the menu, one dialog at a time', async () => {
    const { sendCommand, user } = await renderApp();
    sendCommand('reference');
    expect(screen.getByRole('dialog', { name: 'Error codes' })).toBeInTheDocument();
    // While a dialog is open the menu waits, so nothing can open or switch out of sight under it.
    sendCommand('about');
    sendCommand('history');
    expect(screen.queryByRole('dialog', { name: 'About CID Desk' })).toBeNull();
    expect(screen.getByRole('dialog', { name: 'Error codes' })).toBeInTheDocument();
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog', { name: 'Error codes' })).toBeNull();
    sendCommand('about');
    const about = screen.getByRole('dialog', { name: 'About CID Desk' });
    expect(await within(about).findByText(APP_INFO.version)).toBeVisible();
    expect(within(about).getByText(APP_INFO.licence)).toBeVisible();
    expect(within(about).getByText(APP_INFO.electron)).toBeVisible();
    expect(within(about).getByText(APP_INFO.chrome)).toBeVisible();
    expect(within(about).getByText(/Gets the Confirmation ID/)).toBeVisible();
  });

  it('shows each notice from main as a warning until it is dismissed', async () => {
    const notices = [
      {
        title: 'The history file was damaged',
        message: 'It was moved aside to history.jsonl.damaged; a new history was started.',
        advice: 'Keep the damaged file if you may need the Confirmation IDs in it.',
      },
      {
        title: 'The settings were reset',
        message: 'settings.json could not be read.',
        advice: 'Open Settings to check them.',
      },
    ];
    const { user, api } = await renderApp({ api: { getNotices: async () => notices } });
    expect(api.getNotices).toHaveBeenCalledWith({});
    const region = await screen.findByRole('region', { name: 'Notices' });
    const alerts = within(region).getAllByRole('alert');
    expect(alerts.map((alert) => alert.textContent)).toEqual(
      notices.map((notice) => `${notice.title}${notice.message}${notice.advice}`),
    );
    await user.click(screen.getByRole('button', { name: 'Dismiss: The history file was damaged' }));
    expect(within(region).getAllByRole('alert')).toHaveLength(1);
    expect(screen.getByRole('button', { name: 'Dismiss: The settings were reset' })).toHaveFocus();
    await user.click(screen.getByRole('button', { name: 'Dismiss: The settings were reset' }));
    expect(screen.queryByRole('region', { name: 'Notices' })).toBeNull();
    expect(screen.getByRole('main')).toHaveFocus();
  });

  it('works without notices when main cannot give them', async () => {
    await renderApp({ api: { getNotices: async () => Promise.reject(new Error('no handler')) } });
    expect(screen.queryByRole('region', { name: 'Notices' })).toBeNull();
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('switches views from the header, marking the current one', async () => {
    const { user } = await renderApp();
    const views = screen.getByRole('navigation', { name: 'Views' });
    expect(
      within(views)
        .getAllByRole('button')
        .map((button) => button.textContent),
    ).toEqual(['Activate', 'Batch', 'History', 'Remaining activations']);
    expect(within(views).getByRole('button', { name: 'Activate' })).toHaveAttribute(
      'aria-current',
      'page',
    );
    await user.click(within(views).getByRole('button', { name: 'Batch' }));
    expect(screen.getByRole('heading', { level: 1, name: 'Batch' })).toBeVisible();
    expect(screen.queryByRole('textbox', { name: 'Group 1 of 9' })).toBeNull();
    expect(within(views).getByRole('button', { name: 'Batch' })).toHaveAttribute(
      'aria-current',
      'page',
    );
    expect(within(views).getByRole('button', { name: 'Activate' })).not.toHaveAttribute(
      'aria-current',
    );
    await user.click(within(views).getByRole('button', { name: 'Activate' }));
    expect(screen.getByRole('textbox', { name: 'Group 1 of 9' })).toBeVisible();
  });

  it('keeps the IID typed in Activate while another view is open', async () => {
    const { user } = await renderApp();
    await user.paste(IID63.slice(0, 20));
    await user.click(screen.getByRole('button', { name: 'History' }));
    await user.click(screen.getByRole('button', { name: 'Activate' }));
    expect(groupValues().join('')).toBe(IID63.slice(0, 20));
  });

  it('opens the views from the menu, and "new" goes back to an empty Activate', async () => {
    const { user, sendCommand } = await renderApp();
    await user.paste(IID63.slice(0, 20));
    for (const [command, title] of [
      ['batch', 'Batch'],
      ['history', 'History'],
      ['remaining', 'Remaining activations'],
    ] as const) {
      sendCommand(command);
      expect(screen.getByRole('heading', { level: 1, name: title })).toHaveFocus();
    }
    sendCommand('new');
    expect(groupValues()).toEqual(Array(9).fill(''));
    expect(groupInputs()[0]).toHaveFocus();
  });

  it('keeps the tools in the header under their names', async () => {
    await renderApp();
    const tools = screen.getByRole('navigation', { name: 'Application' });
    expect(
      within(tools)
        .getAllByRole('button')
        .map((button) => button.textContent),
    ).toEqual(['Error codes', 'Settings', 'About']);
  });

  it('keeps Tab inside an open dialog', async () => {
    const { user } = await renderApp();
    await user.click(screen.getByRole('button', { name: 'About' }));
    const about = screen.getByRole('dialog', { name: 'About CID Desk' });
    const close = within(about).getAllByRole('button', { name: /Close/ });
    close[close.length - 1]!.focus();
    await user.tab();
    expect(about).toContainElement(document.activeElement as HTMLElement);
    await user.tab({ shift: true });
    expect(document.activeElement).toBe(close[close.length - 1]);
  });
});

/** Opens Settings, flips demo mode and saves. */
async function switchDemoMode(user: Awaited<ReturnType<typeof renderApp>>['user']) {
  await user.click(screen.getByRole('button', { name: 'Settings' }));
  const dialog = screen.getByRole('dialog', { name: 'Settings' });
  await user.click(within(dialog).getByRole('switch', { name: 'Demo mode' }));
  await user.click(within(dialog).getByRole('button', { name: 'Save' }));
  expect(screen.queryByRole('dialog')).toBeNull();
}

const OFF_NOTICE =
  'Demo mode is now off: the next request goes to Microsoft and uses an activation.';

describe('Switching demo mode under an answer', () => {
  it('leaves a demo CID for the entry, IID kept, saying the next request goes to Microsoft', async () => {
    const { user, api } = await renderApp({
      settings: { demoMode: true },
      api: { getCid: async ({ iid }) => success(iid, { fromHistory: true, source: 'simulator' }) },
    });
    await user.paste(IID63);
    await user.keyboard('{Enter}');
    expect(
      await screen.findByRole('button', { name: 'Ask the simulator again…' }),
    ).toBeInTheDocument();

    await switchDemoMode(user);
    // No way is left to confirm "no activation is used" for a request that would reach Microsoft.
    expect(screen.queryByRole('button', { name: /again/ })).toBeNull();
    expect(groupValues()).toEqual(grouped(IID63));
    expect(await screen.findByText(OFF_NOTICE)).toBeVisible();
    expect(liveRegionsSaying(OFF_NOTICE)).toHaveLength(1);
    expect(groupInputs()[8]).toHaveFocus();
    expect(api.getCid).toHaveBeenCalledTimes(1);

    // Sent again from the entry, knowingly: an ordinary request, not a forced one.
    await user.keyboard('{Enter}');
    expect(api.getCid).toHaveBeenCalledTimes(2);
    expect(api.getCid.mock.calls[1]![0]).toMatchObject({ iid: IID63, force: false });
  });

  it('leaves a demo error for the entry when demo mode is turned off', async () => {
    const { user, api } = await renderApp({
      settings: { demoMode: true },
      api: { getCid: async () => failure({ kind: 'network', cause: 'refused' }) },
    });
    await user.paste(IID63);
    await user.keyboard('{Enter}');
    expect(await screen.findByRole('button', { name: 'Try again' })).toBeInTheDocument();
    await switchDemoMode(user);
    expect(screen.queryByRole('button', { name: 'Try again' })).toBeNull();
    expect(await screen.findByText(OFF_NOTICE)).toBeVisible();
    expect(groupValues()).toEqual(grouped(IID63));
    expect(api.getCid).toHaveBeenCalledTimes(1);
  });

  it('tells a real answer from the next demo request when demo mode is turned on', async () => {
    const { user } = await renderApp({
      api: { getCid: async () => failure({ kind: 'network', cause: 'refused' }) },
    });
    await user.paste(IID63);
    await user.keyboard('{Enter}');
    await screen.findByRole('button', { name: 'Try again' });
    await switchDemoMode(user);
    expect(
      await screen.findByText(
        'Demo mode is now on: the next request goes to the built-in simulator and uses no activation.',
      ),
    ).toBeVisible();
  });

  it('keeps a CID that was not saved on screen: only copying and starting over are offered', async () => {
    const warning = 'This Confirmation ID could not be saved to the history (disk full).';
    const { user } = await renderApp({
      settings: { demoMode: true },
      api: { getCid: async ({ iid }) => success(iid, { warning, source: 'simulator' }) },
    });
    await user.paste(IID63);
    await user.keyboard('{Enter}');
    await screen.findByRole('heading', { name: /^Confirmation ID/ });
    await switchDemoMode(user);
    expect(screen.getByRole('list', { name: 'Confirmation ID groups' })).toBeVisible();
    expect(screen.getByRole('alert')).toHaveTextContent(warning);
  });

  it('does not retry in the new mode an error that arrives after demo mode was switched', async () => {
    const answer = deferred<CidOutcome>();
    const { user, api } = await renderApp({
      settings: { demoMode: true },
      api: { getCid: () => answer.promise },
    });
    await user.paste(IID63);
    await user.keyboard('{Enter}');
    expect(screen.getByText('Asking the demo simulator…')).toBeVisible();
    await switchDemoMode(user);
    await act(async () => answer.resolve(failure({ kind: 'network', cause: 'refused' })));
    expect(screen.getByText('Demo answer')).toBeVisible();

    await user.click(screen.getByRole('button', { name: 'Try again' }));
    expect(api.getCid).toHaveBeenCalledTimes(1);
    expect(await screen.findByText(OFF_NOTICE)).toBeVisible();
    expect(groupValues()).toEqual(grouped(IID63));
  });

  it('does not offer to ask the simulator again once demo mode was turned off meanwhile', async () => {
    const answer = deferred<CidOutcome>();
    const { user } = await renderApp({
      settings: { demoMode: true },
      api: { getCid: () => answer.promise },
    });
    await user.paste(IID63);
    await user.keyboard('{Enter}');
    await switchDemoMode(user);
    await act(async () =>
      answer.resolve(success(IID63, { fromHistory: true, source: 'simulator' })),
    );
    expect(screen.getByRole('heading', { name: /^Confirmation ID/ })).toHaveTextContent('Demo CID');
    expect(screen.queryByRole('button', { name: /again/ })).toBeNull();
  });
});

describe('Sending again from a result or an error', () => {
  it('gives the focus to the waiting panel, not to a read-only box', async () => {
    const answers = [deferred<CidOutcome>(), deferred<CidOutcome>()];
    let call = 0;
    const { user, api } = await renderApp({ api: { getCid: () => answers[call++]!.promise } });
    await user.paste(IID63);
    await user.keyboard('{Enter}');
    await act(async () => answers[0]!.resolve(failure({ kind: 'network', cause: 'refused' })));
    await user.click(screen.getByRole('button', { name: 'Try again' }));
    expect(api.getCid).toHaveBeenCalledTimes(2);
    const waiting = screen.getByText("Asking Microsoft's activation service…").closest('.waiting');
    expect(waiting).toHaveFocus();
    expect(groupInputs()[0]).not.toHaveFocus();
  });

  it('gives the focus to the waiting panel after asking again is confirmed', async () => {
    const fresh = deferred<CidOutcome>();
    let call = 0;
    const { user } = await renderApp({
      api: {
        getCid: async ({ iid }) =>
          call++ === 0 ? success(iid, { fromHistory: true }) : fresh.promise,
      },
    });
    await user.paste(IID63);
    await user.keyboard('{Enter}');
    await user.click(await screen.findByRole('button', { name: 'Ask Microsoft again…' }));
    await user.click(screen.getByRole('button', { name: 'Ask again and use an activation' }));
    const waiting = screen.getByText("Asking Microsoft's activation service…").closest('.waiting');
    expect(waiting).toHaveFocus();
  });
});
