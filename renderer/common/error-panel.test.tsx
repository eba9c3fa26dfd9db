import { cleanup, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { CidOutcome } from '../../shared/activation';
import { describeErrorCode, serviceError } from '../../shared/error-catalog';
import type { CidDeskError } from '../../shared/errors';
import { failure, groupInputs, groupValues, grouped, IID63, renderApp } from '../test-support';

afterEach(cleanup);

async function showError(outcome: CidOutcome | (() => Promise<never>)) {
  const getCid = typeof outcome === 'function' ? outcome : async () => outcome;
  const rendered = await renderApp({ api: { getCid } });
  await rendered.user.paste(IID63);
  await rendered.user.keyboard('{Enter}');
  await screen.findByRole('button', { name: /^(Edit ID|Edit PID)$/ });
  return rendered;
}

const timeout: CidDeskError = {
  kind: 'network',
  cause: 'timeout',
  code: null,
  mayHaveReachedService: true,
  message: "Microsoft's activation service did not answer within 30 seconds.",
  advice: 'Check your connection and try again later.',
  detail: 'AbortError: The operation was aborted due to timeout',
};

describe('Error panel', () => {
  it("explains a service code from the catalogue, saying phone activation won't help", async () => {
    // As the client returns it: the request reached the service, which refused it with a code,
    // so no activation was used and no warning about one is shown.
    await showError({ ok: false, error: { ...serviceError('0x67'), mayHaveReachedService: true } });
    const info = describeErrorCode('0x67');
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent(info.title);
    expect(screen.getByText('Microsoft refused the request · code 0x67')).toBeVisible();
    expect(screen.getByText(info.explanation)).toBeVisible();
    expect(screen.getByText(info.advice)).toBeVisible();
    expect(screen.getByText("Phone activation won't help for this code.")).toBeVisible();
    expect(screen.queryByText(/Phone activation may help/)).toBeNull();
    expect(screen.queryByText(/may have been used/)).toBeNull();
    const announced = screen.getAllByText(info.title).filter((e) => e.closest('[aria-live]'));
    expect(announced).toHaveLength(1);
  });

  it('says phone activation may help where the catalogue says so, without repeating it', async () => {
    await showError({ ok: false, error: serviceError('0x7F') });
    const info = describeErrorCode('0x7F');
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent(
      'The MAK has used all its activations',
    );
    expect(screen.getByText(info.explanation)).toBeVisible();
    expect(
      screen.getByText(
        "Ask your Microsoft licensing partner or the Volume Licensing Service Center to raise the MAK's limit.",
      ),
    ).toBeVisible();
    const verdict = screen.getByText('Phone activation may help:').parentElement!;
    expect(verdict).toHaveTextContent(
      "Phone activation may help: run slui 4 on the machine you're activating and call the number it shows.",
    );
    const outsideDetails = screen.getAllByText(/slui 4/).filter((e) => !e.closest('details'));
    expect(outsideDetails).toHaveLength(1);
  });

  it('names a network timeout and warns that an activation may have been used', async () => {
    await showError({ ok: false, error: timeout });
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent(
      "Microsoft didn't answer in time",
    );
    expect(screen.getByText('Network problem · No answer in time')).toBeVisible();
    expect(screen.getByText(timeout.message)).toBeVisible();
    expect(screen.getByText(timeout.advice)).toBeVisible();
    expect(
      screen.getByText(
        'The request may have reached the service, so an activation may have been used. Trying again may use another one.',
      ),
    ).toBeVisible();
    expect(screen.queryByText(/Phone activation/)).toBeNull();
  });

  it.each([
    ['dns', "Couldn't reach Microsoft", "The server's name could not be looked up (DNS)"],
    ['proxy-auth', "Couldn't reach Microsoft", 'The proxy asks for authentication'],
    ['tls', "Couldn't reach Microsoft", 'The secure connection failed (TLS, possibly intercepted)'],
  ] as const)('names the cause of a %s failure', async (cause, title, named) => {
    await showError(failure({ kind: 'network', cause, message: 'Could not connect.' }));
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent(title);
    expect(screen.getByText(`Network problem · ${named}`)).toBeVisible();
  });

  it('titles a connection lost after it was made as cut off, not as unreachable', async () => {
    await showError(
      failure({
        kind: 'network',
        cause: 'reset',
        message: 'Cut off.',
        mayHaveReachedService: true,
      }),
    );
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent(
      'The connection to Microsoft was cut off',
    );
  });

  it('titles an unusable answer and an invalid ID', async () => {
    await showError(
      failure({ kind: 'unexpected-response', message: 'The service answered with an HTML page.' }),
    );
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent(
      "The service isn't answering properly",
    );
    expect(screen.getByText('The service answered with an HTML page.')).toBeVisible();
    cleanup();
    await showError(failure({ kind: 'invalid-input', message: 'No Installation ID was entered.' }));
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent(
      "The Installation ID isn't valid",
    );
  });

  it("says plainly that nothing was sent when the history can't be used", async () => {
    await showError(
      failure({
        kind: 'storage',
        mayHaveReachedService: false,
        message:
          'Nothing was sent: CID Desk cannot use its history, so it cannot tell whether a Confirmation ID for this Installation ID was already obtained. The history file could not be read: EACCES.',
        advice: 'Check that you may read and write the data folder, then try again.',
      }),
    );
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent(
      "CID Desk can't use its history",
    );
    expect(screen.getByText('History problem · nothing was sent')).toBeVisible();
    expect(screen.getByText(/^Nothing was sent: CID Desk cannot use its history/)).toBeVisible();
    expect(
      screen.getByText('Check that you may read and write the data folder, then try again.'),
    ).toBeVisible();
    expect(screen.queryByText(/may have been used/)).toBeNull();
  });

  it('keeps the details for support in a disclosure, with a copy button', async () => {
    const { user, clipboard } = await showError({ ok: false, error: timeout });
    const summary = screen.getByText('Details for support');
    const details = summary.closest('details')!;
    expect(details).not.toHaveAttribute('open');
    await user.click(summary);
    expect(details).toHaveAttribute('open');
    const text = within(details).getByLabelText('Details for support');
    expect(text).toHaveTextContent('Kind: network');
    expect(text).toHaveTextContent('Cause: timeout');
    expect(text).toHaveTextContent(`Installation ID: ${IID63}`);
    expect(text).toHaveTextContent('AbortError: The operation was aborted due to timeout');
    await user.click(within(details).getByRole('button', { name: 'Copy details' }));
    expect(clipboard.writeText).toHaveBeenCalledWith(text.textContent);
    expect(within(details).getByText('Copied the details')).toBeVisible();
  });

  it('tries again with the same IID at once when nothing can have been spent', async () => {
    const refused = serviceError('0x80004003');
    const { user, api } = await showError({ ok: false, error: refused });
    await user.click(screen.getByRole('button', { name: 'Try again' }));
    await screen.findByRole('button', { name: 'Try again' });
    expect(api.getCid).toHaveBeenCalledTimes(2);
  });

  it('asks before trying again when an activation may have been used, and sends once', async () => {
    const { user, api } = await showError({ ok: false, error: timeout });
    expect(screen.queryByRole('button', { name: 'Try again' })).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Try again…' }));
    const dialog = screen.getByRole('dialog', { name: 'Ask Microsoft again?' });
    // Screen readers read the warning with the title, not only the buttons.
    expect(dialog).toHaveAccessibleDescription(
      /Trying again may use another activation of the product key\./,
    );
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(api.getCid).toHaveBeenCalledTimes(1);
    await user.click(screen.getByRole('button', { name: 'Try again…' }));
    await user.dblClick(
      within(screen.getByRole('dialog', { name: 'Ask Microsoft again?' })).getByRole('button', {
        name: 'Try again',
      }),
    );
    await screen.findByRole('button', { name: 'Try again…' });
    expect(api.getCid).toHaveBeenCalledTimes(2);
    const [first, second] = api.getCid.mock.calls.map(([args]) => args);
    expect(second).toMatchObject({ iid: IID63, force: false });
    expect(second!.requestId).not.toBe(first!.requestId);
  });

  it('words the confirmation by cause for a request cancelled after it was sent', async () => {
    const { user } = await showError(
      failure({ kind: 'network', cause: 'cancelled', mayHaveReachedService: true }),
    );
    await user.click(screen.getByRole('button', { name: 'Try again…' }));
    const dialog = screen.getByRole('dialog', { name: 'Ask Microsoft again?' });
    expect(dialog).toHaveAccessibleDescription(
      'The request was cancelled after it had been sent to Microsoft, so an activation may have been used for it. CID Desk goes on waiting for its answer in the background and keeps any Confirmation ID it brings in the history. If that answer brings a Confirmation ID, trying again shows it from the history without using another activation. If it brings none, trying again sends a new request, which may use another activation of the product key.',
    );
    // Main does know about a CID that answer brings: the timeout's wording would be wrong here.
    expect(dialog).not.toHaveTextContent(/cannot know/);
  });

  it('says CID Desk cannot know of a CID issued after a timeout', async () => {
    const { user } = await showError({ ok: false, error: timeout });
    await user.click(screen.getByRole('button', { name: 'Try again…' }));
    expect(screen.getByRole('dialog', { name: 'Ask Microsoft again?' })).toHaveTextContent(
      'a Confirmation ID issued in the meantime is not lost to you, but CID Desk cannot know about it.',
    );
  });

  it('goes back to the entry with the IID kept', async () => {
    const { user } = await showError({ ok: false, error: timeout });
    await user.click(screen.getByRole('button', { name: 'Edit ID' }));
    expect(groupValues()).toEqual(grouped(IID63));
    expect(groupInputs()[0]).toHaveFocus();
  });

  it('opens the reference at the code', async () => {
    const { user } = await showError({ ok: false, error: serviceError('0x7F') });
    await user.click(screen.getByRole('button', { name: 'Look it up in the error codes' }));
    const dialog = screen.getByRole('dialog', { name: 'Error codes' });
    const current = within(dialog).getByText('This error').closest('li')!;
    expect(current).toHaveTextContent('0x7F');
  });

  it('reports a broken bridge without pretending nothing was sent', async () => {
    await showError(async () => Promise.reject(new Error('channel closed')));
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent(
      'Something went wrong inside CID Desk',
    );
    expect(screen.getByText(/may have been used/)).toBeVisible();
    expect(screen.getByLabelText('Details for support')).toHaveTextContent('Error: channel closed');
  });
});
