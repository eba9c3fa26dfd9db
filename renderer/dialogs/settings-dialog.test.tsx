import { act, cleanup, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { SaveSettingsResult } from '../../shared/ipc';
import { DEFAULT_SETTINGS, type Settings } from '../../shared/settings';
import { deferred, renderApp } from '../test-support';

afterEach(cleanup);

const OWN_PID = '55041-00172-033-600075-03-1033-7601.0000-1412012';

async function openSettings(options: Parameters<typeof renderApp>[0] = {}) {
  const rendered = await renderApp(options);
  await rendered.user.click(screen.getByRole('button', { name: 'Settings' }));
  const dialog = screen.getByRole('dialog', { name: 'Settings' });
  return { ...rendered, dialog };
}

describe('Settings', () => {
  it('shows the settings main has stored', async () => {
    const { dialog } = await openSettings({
      settings: { pid: OWN_PID, timeoutSeconds: 45, demoMode: true },
    });
    expect(within(dialog).getByRole('radio', { name: 'My own' })).toBeChecked();
    expect(within(dialog).getByRole('textbox', { name: 'My own Extended PID' })).toHaveValue(
      OWN_PID,
    );
    expect(within(dialog).getByRole('spinbutton', { name: 'Timeout' })).toHaveValue(45);
    expect(within(dialog).getByRole('switch', { name: 'Demo mode' })).toBeChecked();
  });

  it('checks the Extended PID as it is typed and does not save a bad one', async () => {
    const { user, dialog, api } = await openSettings();
    const field = within(dialog).getByRole('textbox', { name: 'My own Extended PID' });
    await user.type(field, '55041-00172-033');
    expect(within(dialog).getByRole('radio', { name: 'My own' })).toBeChecked();
    const error = within(dialog).getByText('"55041-00172-033" is not an Extended PID.');
    expect(field).toHaveAttribute('aria-invalid', 'true');
    expect(field.getAttribute('aria-describedby')).toContain(error.parentElement!.id);
    expect(within(dialog).getByText(/slmgr\.vbs \/dlv/)).toBeVisible();

    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(api.saveSettings).not.toHaveBeenCalled();
    expect(screen.getByRole('dialog', { name: 'Settings' })).toBeInTheDocument();
    expect(field).toHaveFocus();
  });

  it('saves a valid change and marks the window as a demo', async () => {
    const { user, dialog, api } = await openSettings();
    expect(screen.queryByText(/DEMO MODE/)).toBeNull();
    await user.type(within(dialog).getByRole('textbox', { name: 'My own Extended PID' }), OWN_PID);
    const timeout = within(dialog).getByRole('spinbutton', { name: 'Timeout' });
    await user.clear(timeout);
    await user.type(timeout, '45');
    await user.click(within(dialog).getByRole('switch', { name: 'Demo mode' }));
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));

    expect(api.saveSettings).toHaveBeenCalledTimes(1);
    expect(api.saveSettings).toHaveBeenCalledWith({
      pid: OWN_PID,
      timeoutSeconds: 45,
      demoMode: true,
    });
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(screen.getByText(/DEMO MODE/)).toBeVisible();
  });

  it('saves the default PID as null', async () => {
    const { user, dialog, api } = await openSettings({ settings: { pid: OWN_PID } });
    await user.click(within(dialog).getByRole('radio', { name: /Default/ }));
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(api.saveSettings).toHaveBeenCalledWith({
      pid: null,
      timeoutSeconds: 30,
      demoMode: false,
    });
  });

  it('refuses a timeout out of range', async () => {
    const { user, dialog, api } = await openSettings();
    const timeout = within(dialog).getByRole('spinbutton', { name: 'Timeout' });
    await user.clear(timeout);
    await user.type(timeout, '2');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(api.saveSettings).not.toHaveBeenCalled();
    expect(
      within(dialog).getByText('The timeout must be a whole number of seconds from 5 to 300.'),
    ).toBeVisible();
  });

  it('shows the problems main finds', async () => {
    const { user, dialog } = await openSettings({
      api: {
        saveSettings: async () => ({
          ok: false,
          problems: { timeoutSeconds: 'The timeout cannot be stored right now.' },
        }),
      },
    });
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(
      await within(dialog).findByText('The timeout cannot be stored right now.'),
    ).toBeVisible();
    expect(screen.getByRole('dialog', { name: 'Settings' })).toBeInTheDocument();
  });

  it('explains demo mode', async () => {
    const { dialog } = await openSettings();
    expect(
      within(dialog).getByText(
        'Answers come from a built-in simulator; no request reaches Microsoft, no activation is used.',
      ),
    ).toBeVisible();
  });

  it('opens from the menu, closes with Escape and gives focus back', async () => {
    const { user, sendCommand } = await renderApp();
    await user.keyboard('7221196');
    const group2 = screen.getByRole('textbox', { name: 'Group 2 of 9' });
    expect(group2).toHaveFocus();
    sendCommand('settings');
    const dialog = screen.getByRole('dialog', { name: 'Settings' });
    expect(dialog).toContainElement(document.activeElement as HTMLElement);
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(group2).toHaveFocus();
    // Escape closed the dialog only: it did not also clear the entry behind it.
    expect(screen.getByRole('textbox', { name: 'Group 1 of 9' })).toHaveValue('7221196');
  });

  it('cannot be closed while saving, and closes itself once main has answered', async () => {
    const saved = deferred<SaveSettingsResult>();
    const { user, dialog } = await openSettings({ api: { saveSettings: () => saved.promise } });
    await user.click(within(dialog).getByRole('switch', { name: 'Demo mode' }));
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(within(dialog).getByRole('button', { name: 'Saving…' })).toBeDisabled();
    expect(within(dialog).getByRole('button', { name: 'Cancel' })).toBeDisabled();
    await user.keyboard('{Escape}');
    await user.click(within(dialog).getByRole('button', { name: 'Close' }));
    expect(screen.getByRole('dialog', { name: 'Settings' })).toBe(dialog);
    expect(screen.queryByText(/DEMO MODE/)).toBeNull();

    await act(async () =>
      saved.resolve({ ok: true, settings: { ...DEFAULT_SETTINGS, demoMode: true } }),
    );
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(screen.getByText(/DEMO MODE/)).toBeVisible();
  });

  it('waits for the stored settings instead of offering the defaults to save', async () => {
    const stored = deferred<Settings>();
    const { user, api } = await renderApp({ api: { getSettings: () => stored.promise } });
    await user.click(screen.getByRole('button', { name: 'Settings' }));
    const dialog = screen.getByRole('dialog', { name: 'Settings' });
    expect(within(dialog).getByRole('status')).toHaveTextContent('Reading the settings…');
    expect(within(dialog).queryByRole('button', { name: 'Save' })).toBeNull();
    expect(within(dialog).queryByRole('spinbutton', { name: 'Timeout' })).toBeNull();

    await act(async () => stored.resolve({ pid: OWN_PID, timeoutSeconds: 45, demoMode: false }));
    const form = screen.getByRole('dialog', { name: 'Settings' });
    expect(within(form).getByRole('textbox', { name: 'My own Extended PID' })).toHaveValue(OWN_PID);
    expect(within(form).getByRole('spinbutton', { name: 'Timeout' })).toHaveValue(45);
    expect(form).toContainElement(document.activeElement as HTMLElement);
    await user.click(within(form).getByRole('button', { name: 'Save' }));
    expect(api.saveSettings).toHaveBeenCalledWith({
      pid: OWN_PID,
      timeoutSeconds: 45,
      demoMode: false,
    });
  });
});
