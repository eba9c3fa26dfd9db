import { cleanup, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { formatWhen } from './cid-result';
import { CID, groupInputs, groupValues, IID63, renderApp, success } from './test-support';

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
    expect(screen.getByText(`Already obtained on ${when}; no activation was used.`)).toBeVisible();
  });

  it('does not claim a history hit for a fresh CID', async () => {
    await showCid();
    expect(screen.queryByText(/Already obtained/)).toBeNull();
  });

  it('shows a warning that comes with the CID', async () => {
    await showCid({
      api: {
        getCid: async ({ iid }) =>
          success(iid, { warning: "The Confirmation ID couldn't be saved to the history." }),
      },
    });
    expect(screen.getByRole('alert')).toHaveTextContent(
      "Warning: The Confirmation ID couldn't be saved to the history.",
    );
  });

  it('marks a CID from demo mode as a demo CID', async () => {
    await showCid({ settings: { demoMode: true } });
    expect(screen.getByRole('heading', { name: /^Confirmation ID/ })).toHaveTextContent(
      'Confirmation IDDemo CID',
    );
    expect(screen.getByText(/A demo Confirmation ID from the built-in simulator/)).toBeVisible();
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
