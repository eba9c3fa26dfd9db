import { act, cleanup, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { RemainingOutcome } from '../../shared/activation';
import { serviceError } from '../../shared/error-catalog';
import { deferred, failure, liveRegionsSaying, renderApp } from '../test-support';

afterEach(cleanup);

const MAK_PID = '55041-00172-033-600075-03-1033-7601.0000-1412012';

async function openRemaining(options: Parameters<typeof renderApp>[0] = {}) {
  const rendered = await renderApp(options);
  rendered.sendCommand('remaining');
  return rendered;
}

function pidField(): HTMLInputElement {
  return screen.getByRole<HTMLInputElement>('textbox', { name: 'Extended PID' });
}

async function check(options: Parameters<typeof renderApp>[0] = {}) {
  const answer = deferred<RemainingOutcome>();
  const rendered = await openRemaining({
    ...options,
    api: { getRemaining: () => answer.promise, ...options.api },
  });
  await rendered.user.click(pidField());
  await rendered.user.paste(MAK_PID);
  await rendered.user.click(screen.getByRole('button', { name: 'Check' }));
  return { ...rendered, answer };
}

describe('Remaining activations view', () => {
  it('opens from the menu with the heading focused and a hint where to find the PID', async () => {
    await openRemaining();
    expect(screen.getByRole('heading', { level: 1, name: 'Remaining activations' })).toHaveFocus();
    expect(screen.getByText(/On the machine with the MAK installed, run/)).toHaveTextContent(
      'On the machine with the MAK installed, run slmgr.vbs /dlv and copy its “Extended PID” line.',
    );
  });

  it('checks the Extended PID as it is typed and only sends a valid one', async () => {
    const { user } = await openRemaining();
    const button = screen.getByRole('button', { name: 'Check' });
    expect(button).toBeDisabled();
    await user.type(pidField(), '55041-00172');
    expect(button).toBeDisabled();
    expect(pidField()).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByText('"55041-00172" is not an Extended PID.')).toBeVisible();
    await user.clear(pidField());
    await user.click(pidField());
    await user.paste(MAK_PID);
    expect(button).toBeEnabled();
    expect(pidField()).not.toHaveAttribute('aria-invalid');
  });

  it('offers the Extended PID saved in the settings', async () => {
    await openRemaining({ settings: { pid: MAK_PID } });
    expect(pidField()).toHaveValue(MAK_PID);
    expect(screen.getByRole('button', { name: 'Check' })).toBeEnabled();
  });

  it('asks with a fresh request id and shows 5 activations left', async () => {
    const { api, answer } = await check();
    expect(api.getRemaining).toHaveBeenCalledTimes(1);
    const args = api.getRemaining.mock.calls[0]![0];
    expect(args).toEqual({ requestId: args.requestId, pid: MAK_PID });
    expect(args.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(screen.getByText("Asking Microsoft's activation service…")).toBeVisible();

    await act(async () => answer.resolve({ ok: true, pid: MAK_PID, remaining: 5 }));
    const result = screen.getByRole('heading', { level: 2 });
    expect(result).toHaveTextContent('5 activations left');
    expect(result).toHaveFocus();
    expect(screen.getByText(/^For Extended PID/)).toHaveTextContent(`For Extended PID ${MAK_PID}`);
    expect(screen.queryByText('No activations left')).toBeNull();
  });

  it('says what no activations left means', async () => {
    const { answer } = await check();
    await act(async () => answer.resolve({ ok: true, pid: MAK_PID, remaining: 0 }));
    expect(screen.getByRole('heading', { level: 2 })).toHaveTextContent('No activations left');
    expect(
      screen.getByText(
        "This MAK can't activate any more machines. Ask your Microsoft licensing partner or the Volume Licensing Service Center to raise its limit.",
      ),
    ).toBeVisible();
    expect(screen.getByText('Phone activation may help:').parentElement).toHaveTextContent(
      "Phone activation may help: run slui 4 on the machine you're activating and call the number it shows.",
    );
  });

  it('cancels a check by its request id', async () => {
    const { user, api, answer } = await check();
    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    const { requestId } = api.getRemaining.mock.calls[0]![0];
    expect(api.cancel).toHaveBeenCalledWith({ requestId });
    expect(screen.getByRole('button', { name: 'Cancelling…' })).toBeDisabled();
    await act(async () =>
      answer.resolve(
        failure({ kind: 'network', cause: 'cancelled', mayHaveReachedService: false }),
      ),
    );
    expect(screen.getByText('Check cancelled.')).toBeVisible();
    expect(pidField()).toHaveFocus();
    expect(screen.getByRole('button', { name: 'Check' })).toBeEnabled();
    expect(liveRegionsSaying('Check cancelled')).toHaveLength(1);
  });

  it('treats a check cancelled after it was sent as cancelled: it cost nothing', async () => {
    const { user, answer } = await check();
    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    await act(async () =>
      answer.resolve(failure({ kind: 'network', cause: 'cancelled', mayHaveReachedService: true })),
    );
    expect(screen.getByText('Check cancelled.')).toBeVisible();
    expect(screen.queryByText(/activation may have been used/)).toBeNull();
    expect(liveRegionsSaying('Check cancelled')).toHaveLength(1);
  });

  it('tries a check that timed out again at once, warning of no activation', async () => {
    const { user, api, answer } = await check();
    await act(async () =>
      answer.resolve(
        failure({
          kind: 'network',
          cause: 'timeout',
          mayHaveReachedService: true,
          message: "Microsoft's activation service did not answer within 30 seconds.",
        }),
      ),
    );
    expect(
      screen.getByRole('heading', { level: 1, name: "Microsoft didn't answer in time" }),
    ).toHaveFocus();
    expect(screen.queryByText(/may have been used/)).toBeNull();
    expect(screen.queryByText(/another activation/)).toBeNull();
    expect(screen.queryByRole('button', { name: 'Try again…' })).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Try again' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(api.getRemaining).toHaveBeenCalledTimes(2);
    expect(api.getRemaining.mock.calls[1]![0]).toMatchObject({ pid: MAK_PID });
  });

  it('explains a refusal in the error panel, naming the Extended PID', async () => {
    const { user, api, answer } = await check();
    await act(async () => answer.resolve({ ok: false, error: serviceError('0x86') }));
    expect(
      screen.getByRole('heading', { level: 1, name: /cannot be activated here/ }),
    ).toHaveFocus();
    expect(screen.getByText(/^Extended PID/, { selector: 'p' })).toHaveTextContent(
      `Extended PID ${MAK_PID}`,
    );
    // The field may have been edited meanwhile: trying again asks about the PID shown.
    await user.clear(pidField());
    await user.type(pidField(), '00000-00138-207-109016-00-1033-26100.0000-0922026');
    await user.click(screen.getByRole('button', { name: 'Try again' }));
    expect(api.getRemaining).toHaveBeenCalledTimes(2);
    expect(api.getRemaining.mock.calls[1]![0]).toMatchObject({ pid: MAK_PID });
  });
});
