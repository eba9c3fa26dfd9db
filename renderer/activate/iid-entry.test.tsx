import { act, cleanup, fireEvent, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { CidOutcome } from '../../shared/activation';
import {
  deferred,
  grouped,
  groupInputs,
  groupValues,
  IID54,
  IID63,
  renderApp,
  withTypo,
} from '../test-support';

afterEach(cleanup);

const button = () => screen.getByRole('button', { name: 'Get Confirmation ID' });
const status = () => screen.getByText(/-digit ID ·/);

describe('Installation ID entry', () => {
  it('starts in group 1, advances as each group fills, and shows the count', async () => {
    const { user } = await renderApp();
    const inputs = groupInputs();
    expect(inputs[0]).toHaveFocus();
    expect(inputs[0]).toHaveAttribute('inputmode', 'numeric');
    expect(status()).toHaveTextContent('63-digit ID · 0 of 63 digits');

    await user.keyboard(IID63.slice(0, 16));
    expect(groupValues()).toEqual(['7221196', '9197040', '40', '', '', '', '', '', '']);
    expect(inputs[2]).toHaveFocus();
    expect(status()).toHaveTextContent('63-digit ID · 16 of 63 digits');
    expect(button()).toBeDisabled();
  });

  it('enables the button only for a whole, valid IID', async () => {
    const { user } = await renderApp();
    await user.keyboard(IID63.slice(0, -1));
    expect(button()).toBeDisabled();
    await user.keyboard(IID63.slice(-1));
    expect(groupValues()).toEqual(grouped(IID63));
    expect(button()).toBeEnabled();
    expect(status()).toHaveTextContent('63-digit ID · 63 of 63 digits · every group checks out');
  });

  it('moves on at a space or dash, but not from a box auto-advance just reached', async () => {
    const { user } = await renderApp();
    const inputs = groupInputs();
    await user.keyboard('7221196 ');
    expect(inputs[1]).toHaveFocus();
    await user.keyboard('91970-');
    expect(groupValues().slice(0, 3)).toEqual(['7221196', '91970', '']);
    expect(inputs[2]).toHaveFocus();
  });

  it('goes back on Backspace in an empty box and deletes the last digit there', async () => {
    const { user } = await renderApp();
    const inputs = groupInputs();
    await user.keyboard('72211969');
    expect(inputs[1]).toHaveFocus();
    await user.keyboard('{Backspace}');
    expect(groupValues()[1]).toBe('');
    await user.keyboard('{Backspace}');
    expect(inputs[0]).toHaveFocus();
    expect(groupValues()[0]).toBe('722119');
  });

  it('crosses boxes with the arrow keys at their edges', async () => {
    const { user } = await renderApp();
    const inputs = groupInputs();
    await user.keyboard('72211969');
    await user.keyboard('{ArrowLeft}{ArrowLeft}');
    expect(inputs[0]).toHaveFocus();
    await user.keyboard('{ArrowRight}');
    expect(inputs[1]).toHaveFocus();
  });

  it('fills all nine groups when a messy IID is pasted into group 5', async () => {
    const { user } = await renderApp();
    const messy = grouped(IID63)
      .map((group, i) =>
        i === 4 ? [...group].map((d) => String.fromCharCode(0xff10 + Number(d))).join('') : group,
      )
      .join(' -\t')
      .replace(' -\t', '\r\n');
    await user.click(groupInputs()[4]!);
    await user.paste(`  ${messy}\n`);
    expect(groupValues()).toEqual(grouped(IID63));
    expect(button()).toBeEnabled();
  });

  it('switches to the 54-digit form when a 54-digit IID is pasted', async () => {
    const { user } = await renderApp();
    expect(screen.getByRole('radio', { name: /63 digits/ })).toBeChecked();
    await user.paste(grouped(IID54).join('-'));
    expect(screen.getByRole('radio', { name: /54 digits/ })).toBeChecked();
    expect(groupValues()).toEqual(grouped(IID54));
    expect(status()).toHaveTextContent('54-digit ID · 54 of 54 digits');
    expect(button()).toBeEnabled();
  });

  it('switches back to 63 digits when the first group gets a seventh digit', async () => {
    const { user } = await renderApp();
    await user.click(screen.getByRole('radio', { name: /54 digits/ }));
    await user.click(groupInputs()[0]!);
    await user.keyboard('722119');
    expect(groupInputs()[1]).toHaveFocus();
    await user.click(groupInputs()[0]!);
    await user.keyboard('6');
    expect(screen.getByRole('radio', { name: /63 digits/ })).toBeChecked();
    expect(groupValues()[0]).toBe('7221196');
    expect(screen.getByText(/switched to that form/)).toBeInTheDocument();
  });

  it('recognises a 54-digit ID typed group by group in the 63-digit form', async () => {
    const { user } = await renderApp();
    await user.keyboard(grouped(IID54).join(' '));
    expect(screen.getByRole('radio', { name: /54 digits/ })).toBeChecked();
    expect(groupValues()).toEqual(grouped(IID54));
    expect(button()).toBeEnabled();
  });

  it('regroups when the form is switched by hand and loses nothing switching back', async () => {
    const { user } = await renderApp();
    await user.paste(IID63);
    await user.click(screen.getByRole('radio', { name: /54 digits/ }));
    expect(groupValues()).toEqual(grouped(IID63.slice(0, 54)));
    await user.click(screen.getByRole('radio', { name: /63 digits/ }));
    expect(groupValues()).toEqual(grouped(IID63));
  });

  it('flags a group whose check digit is wrong and names it under the boxes', async () => {
    const { user } = await renderApp();
    await user.paste(withTypo(IID63, 3));
    const inputs = groupInputs();
    expect(inputs[2]).toHaveAttribute('aria-invalid', 'true');
    expect(inputs[1]).not.toHaveAttribute('aria-invalid');
    const message = screen.getByText(
      "Group 3 doesn't match its check digit – compare it with the machine's screen.",
    );
    expect(inputs[2]!.getAttribute('aria-describedby')).toContain(message.parentElement!.id);
    expect(button()).toBeDisabled();
  });

  it('names every group that fails', async () => {
    const { user } = await renderApp();
    await user.paste(withTypo(withTypo(IID54, 2), 9));
    expect(
      screen.getByText(
        "Groups 2 and 9 don't match their check digits – compare them with the machine's screen.",
      ),
    ).toBeInTheDocument();
  });

  it('ignores characters that are not digits and says so', async () => {
    const { user } = await renderApp();
    await user.keyboard('72O2');
    expect(groupValues()[0]).toBe('722');
    expect(
      screen.getByText(/Only digits go in an Installation ID, so "O" was left out/),
    ).toBeVisible();
  });

  it('sends once when Enter is pressed twice', async () => {
    const answer = deferred<CidOutcome>();
    const { user, api } = await renderApp({ api: { getCid: () => answer.promise } });
    await user.paste(IID63);
    await user.keyboard('{Enter}{Enter}');
    expect(api.getCid).toHaveBeenCalledTimes(1);
    expect(api.getCid.mock.calls[0]![0]).toMatchObject({ iid: IID63, force: false });
    expect(groupInputs()[8]).toHaveAttribute('readonly');
  });

  it('sends once on a double click', async () => {
    const answer = deferred<CidOutcome>();
    const { user, api } = await renderApp({ api: { getCid: () => answer.promise } });
    await user.paste(IID63);
    await user.dblClick(button());
    expect(api.getCid).toHaveBeenCalledTimes(1);
  });

  it('sends once even when two clicks land before the window re-renders', async () => {
    const answer = deferred<CidOutcome>();
    const { user, api } = await renderApp({ api: { getCid: () => answer.promise } });
    await user.paste(IID63);
    const send = button();
    act(() => {
      fireEvent.click(send);
      fireEvent.click(send);
    });
    expect(api.getCid).toHaveBeenCalledTimes(1);
  });

  it('clears with the Clear button, with Escape, and with the menu', async () => {
    const { user, sendCommand } = await renderApp();
    await user.paste(IID63);
    await user.click(screen.getByRole('button', { name: 'Clear' }));
    expect(groupValues()).toEqual(Array(9).fill(''));
    expect(groupInputs()[0]).toHaveFocus();

    await user.paste(IID54);
    await user.keyboard('{Escape}');
    expect(groupValues()).toEqual(Array(9).fill(''));
    expect(screen.getByRole('radio', { name: /63 digits/ })).toBeChecked();

    await user.paste(IID63);
    sendCommand('new');
    expect(groupValues()).toEqual(Array(9).fill(''));
  });
});
