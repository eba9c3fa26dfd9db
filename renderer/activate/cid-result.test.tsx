import { act, cleanup, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CidOutcome } from '../../shared/activation';
import { formatWhen } from '../common/format';
import {
  CID,
  deferred,
  groupInputs,
  groupValues,
  IID63,
  renderApp,
  success,
} from '../test-support';

afterEach(cleanup);

const GROUPS = ['062722', '477945', '868792', '870895', '165923', '782876', '591463', '700690'];

async function showCid(options: Parameters<typeof renderApp>[0] = {}) {
  const rendered = await renderApp(options);
  await rendered.user.paste(IID63);
  await rendered.user.keyboard('{Enter}');
  await screen.findByRole('heading', { name: /^Confirmation ID/ });
  return rendered;
}

describe('Confirmation ID result', () => {
  it('shows the eight groups A to H with their digits, and the IID they belong to', async () => {
    await showCid();
    const list = screen.getByRole('list', { name: 'Confirmation ID groups' });
    const items = within(list).getAllByRole('listitem');
    expect(items.map((item) => item.textContent)).toEqual(
      ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H'].map((label, i) => `${label}${GROUPS[i]}`),
    );
    expect(screen.getByText(/^For Installation ID/)).toHaveTextContent(
      'For Installation ID 7221196 9197040 4081693 7404096 2814372 3123533 5227555 2274724 7236561',
    );
    expect(screen.getByText('Confirmation ID received').closest('[aria-live]')).toHaveAttribute(
      'aria-live',
      'polite',
    );
    expect(screen.getByRole('heading', { name: /^Confirmation ID/ })).toHaveFocus();
  });

  it('copies exactly the 48 digits and says so', async () => {
    const { user, clipboard } = await showCid();
    await user.click(screen.getByRole('button', { name: 'Copy all' }));
    expect(clipboard.writeText).toHaveBeenCalledWith(CID);
    expect(screen.getByText('Copied all 48 digits')).toBeVisible();
  });

  it('copies the groups with dashes', async () => {
    const { user, clipboard } = await showCid();
    await user.click(screen.getByRole('button', { name: 'Copy with dashes' }));
    expect(clipboard.writeText).toHaveBeenCalledWith(GROUPS.join('-'));
    expect(screen.getByText('Copied all 48 digits with dashes')).toBeVisible();
  });

  it('copies one group', async () => {
    const { user, clipboard } = await showCid();
    await user.click(screen.getByRole('button', { name: 'Copy group C' }));
    expect(clipboard.writeText).toHaveBeenCalledWith('868792');
    expect(screen.getByText('Copied group C')).toBeVisible();
  });

  it('says so when the clipboard refuses', async () => {
    const { user } = await showCid({
      clipboard: { writeText: vi.fn(async () => Promise.reject(new Error('denied'))) },
    });
    await user.click(screen.getByRole('button', { name: 'Copy all' }));
    expect(
      screen.getByText("Couldn't copy to the clipboard. Select the text and press Ctrl+C instead."),
    ).toBeVisible();
    expect(screen.queryByText('Copied all 48 digits')).toBeNull();
  });

  it('shows the Windows and Office commands with the CID, each with a copy button', async () => {
    const { user, clipboard } = await showCid();
    expect(screen.getByText(`slmgr.vbs /atp ${CID}`)).toBeVisible();
    expect(screen.getByText('slmgr.vbs /ato')).toBeVisible();
    expect(screen.getByText(/elevated Command Prompt/)).toBeVisible();
    await user.click(
      screen.getByRole('button', { name: 'Copy command: slmgr.vbs /atp with the Confirmation ID' }),
    );
    expect(clipboard.writeText).toHaveBeenLastCalledWith(`slmgr.vbs /atp ${CID}`);

    await user.click(screen.getByRole('radio', { name: 'Office' }));
    expect(screen.getByText(`cscript ospp.vbs /actcid:${CID}`)).toBeVisible();
    expect(screen.getByText('cscript ospp.vbs /act')).toBeVisible();
    expect(screen.getByText(/Office installation folder/)).toBeVisible();
    await user.click(screen.getByRole('button', { name: 'Copy command: ospp.vbs /act' }));
    expect(clipboard.writeText).toHaveBeenLastCalledWith('cscript ospp.vbs /act');
  });

  it('says when the CID came from the history, with the date in the local format', async () => {
    await showCid({ api: { getCid: async ({ iid }) => success(iid, { fromHistory: true }) } });
    const when = formatWhen('2025-03-14T09:26:53.000Z');
    expect(when).not.toBe('2025-03-14T09:26:53.000Z');
    expect(
      screen.getByText(
        `Already obtained on ${when}; answered from this computer's history, no activation was used.`,
      ),
    ).toBeVisible();
  });

  it('does not claim a history hit for a fresh CID, nor offer to ask again', async () => {
    await showCid();
    expect(screen.queryByText(/Already obtained/)).toBeNull();
    expect(screen.queryByRole('button', { name: /again/ })).toBeNull();
  });

  it('asks Microsoft again only after a confirmation, with force, exactly once', async () => {
    const fresh = deferred<CidOutcome>();
    const answers = [
      async (iid: string) => success(iid, { fromHistory: true }),
      async () => fresh.promise,
    ];
    let call = 0;
    const { user, api } = await showCid({
      api: { getCid: async ({ iid }) => answers[Math.min(call++, 1)]!(iid) },
    });
    const askAgain = screen.getByRole('button', { name: 'Ask Microsoft again…' });
    expect(askAgain.closest('.callout')).toHaveTextContent('Windows refused this Confirmation ID?');

    await user.click(askAgain);
    let dialog = screen.getByRole('dialog', { name: 'Ask Microsoft again?' });
    expect(dialog).toHaveTextContent(
      `CID Desk already has a Confirmation ID for this Installation ID, obtained on ${formatWhen('2025-03-14T09:26:53.000Z')}.`,
    );
    expect(dialog).toHaveTextContent(
      'Asking Microsoft again uses another activation of the product key. Do it only if Windows refused this Confirmation ID.',
    );
    expect(within(dialog).getByRole('button', { name: 'Cancel' })).toHaveFocus();
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(api.getCid).toHaveBeenCalledTimes(1);

    await user.click(screen.getByRole('button', { name: 'Ask Microsoft again…' }));
    dialog = screen.getByRole('dialog', { name: 'Ask Microsoft again?' });
    await user.dblClick(
      within(dialog).getByRole('button', { name: 'Ask again and use an activation' }),
    );
    expect(api.getCid).toHaveBeenCalledTimes(2);
    const [first, second] = api.getCid.mock.calls.map(([args]) => args);
    expect(first).toMatchObject({ iid: IID63, force: false });
    expect(second).toMatchObject({ iid: IID63, force: true });
    expect(second!.requestId).not.toBe(first!.requestId);
    expect(screen.getByText("Asking Microsoft's activation service…")).toBeVisible();

    await act(async () => fresh.resolve(success(IID63)));
    expect(screen.getByRole('heading', { name: /^Confirmation ID/ })).toBeVisible();
    expect(screen.queryByText(/Already obtained/)).toBeNull();
    expect(api.getCid).toHaveBeenCalledTimes(2);
  });

  it('names the simulator, not Microsoft, when asking again in demo mode', async () => {
    const { user } = await showCid({
      settings: { demoMode: true },
      api: { getCid: async ({ iid }) => success(iid, { fromHistory: true }) },
    });
    await user.click(screen.getByRole('button', { name: 'Ask the simulator again…' }));
    const dialog = screen.getByRole('dialog', { name: 'Ask the simulator again?' });
    expect(dialog).toHaveTextContent(
      'In demo mode the request goes to the built-in simulator: no activation is used.',
    );
  });

  it('shows a warning that comes with the CID prominently, saying to write the CID down', async () => {
    const warning =
      'This Confirmation ID could not be saved to the history (disk full). Write it down or copy it now.';
    await showCid({ api: { getCid: async ({ iid }) => success(iid, { warning }) } });
    const alert = screen.getByRole('alert');
    expect(alert).toHaveTextContent(`Not saved: write this Confirmation ID down now${warning}`);
    expect(alert).toHaveClass('is-warning');
  });

  it('marks a CID from demo mode as a demo CID', async () => {
    await showCid({ settings: { demoMode: true } });
    expect(screen.getByRole('heading', { name: /^Confirmation ID/ })).toHaveTextContent(
      'Confirmation IDDemo CID',
    );
    expect(screen.getByText(/A demo Confirmation ID from the built-in simulator/)).toBeVisible();
  });

  it('goes by who issued the CID, not by the settings seen when sending', async () => {
    // Settings said "not demo" (or had not loaded), but the simulator answered: it is a demo CID.
    await showCid({
      api: { getCid: async ({ iid }) => success(iid, { source: 'simulator' }) },
    });
    expect(screen.getByRole('heading', { name: /^Confirmation ID/ })).toHaveTextContent(
      'Confirmation IDDemo CID',
    );
  });

  it('never shows a CID that fails its check digits', async () => {
    const damaged = `${CID.slice(0, 13)}${(Number(CID[13]) + 1) % 10}${CID.slice(14)}`;
    await renderApp({ api: { getCid: async ({ iid }) => success(iid, { cid: damaged }) } }).then(
      async ({ user }) => {
        await user.paste(IID63);
        await user.keyboard('{Enter}');
      },
    );
    expect(
      await screen.findByRole('heading', { name: 'The answer failed its check digits' }),
    ).toBeVisible();
    expect(screen.getByText('Confirmation ID group C fails the check digit.')).toBeVisible();
    expect(screen.queryByRole('list', { name: 'Confirmation ID groups' })).toBeNull();
  });

  it('starts a new, empty activation', async () => {
    const { user } = await showCid();
    await user.click(screen.getByRole('button', { name: 'New activation' }));
    expect(groupValues()).toEqual(Array(9).fill(''));
    expect(groupInputs()[0]).toHaveFocus();
  });
});

describe('A Confirmation ID that could not be saved', () => {
  const warning =
    'This Confirmation ID could not be saved to the history (disk full). Write it down or copy it now.';
  const unsaved = {
    api: { getCid: async ({ iid }: { iid: string }) => success(iid, { warning }) },
  };

  it('is not discarded by "New activation" without a confirmation', async () => {
    const { user } = await showCid(unsaved);
    await user.click(screen.getByRole('button', { name: 'New activation' }));
    const dialog = screen.getByRole('dialog', { name: 'Discard this Confirmation ID?' });
    expect(dialog).toHaveAccessibleDescription(
      'This Confirmation ID could not be saved to the history, and it has not been copied. Once it is off the screen, it cannot be got back without using another activation. Copy it or write it down first.',
    );
    expect(within(dialog).getByRole('button', { name: 'Cancel' })).toHaveFocus();
    await user.keyboard('{Enter}');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(screen.getByRole('list', { name: 'Confirmation ID groups' })).toBeVisible();
    expect(screen.getByRole('button', { name: 'New activation' })).toHaveFocus();

    await user.click(screen.getByRole('button', { name: 'New activation' }));
    await user.click(screen.getByRole('button', { name: 'Discard it and start over' }));
    expect(groupValues()).toEqual(Array(9).fill(''));
    expect(groupInputs()[0]).toHaveFocus();
  });

  it("is not discarded by the menu's New without a confirmation", async () => {
    const { sendCommand } = await showCid(unsaved);
    sendCommand('new');
    expect(screen.getByRole('dialog', { name: 'Discard this Confirmation ID?' })).toBeVisible();
    expect(screen.getByRole('list', { name: 'Confirmation ID groups' })).toBeInTheDocument();
  });

  it.each([
    ['Copy all'],
    ['Copy with dashes'],
    ['Copy command: slmgr.vbs /atp with the Confirmation ID'],
  ])('may be left without asking once copied whole with "%s"', async (name) => {
    const { user } = await showCid(unsaved);
    await user.click(screen.getByRole('button', { name }));
    await user.click(screen.getByRole('button', { name: 'New activation' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(groupValues()).toEqual(Array(9).fill(''));
  });

  it('may be left without asking once every group was copied, but not after some', async () => {
    const { user } = await showCid(unsaved);
    for (const label of ['A', 'B', 'C', 'D', 'E', 'F', 'G']) {
      await user.click(screen.getByRole('button', { name: `Copy group ${label}` }));
    }
    await user.click(screen.getByRole('button', { name: 'New activation' }));
    await user.click(
      within(screen.getByRole('dialog', { name: 'Discard this Confirmation ID?' })).getByRole(
        'button',
        { name: 'Cancel' },
      ),
    );
    await user.click(screen.getByRole('button', { name: 'Copy group H' }));
    await user.click(screen.getByRole('button', { name: 'New activation' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(groupValues()).toEqual(Array(9).fill(''));
  });

  it('still asks when the clipboard refused the copy', async () => {
    const { user } = await showCid({
      ...unsaved,
      clipboard: { writeText: vi.fn(async () => Promise.reject(new Error('denied'))) },
    });
    await user.click(screen.getByRole('button', { name: 'Copy all' }));
    await user.click(screen.getByRole('button', { name: 'New activation' }));
    expect(screen.getByRole('dialog', { name: 'Discard this Confirmation ID?' })).toBeVisible();
  });
});
