import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { BatchProgress } from '../../shared/batch';
import { BATCH_MAX_IIDS } from '../../shared/batch';
import { checkDigitFor, chunk } from '../../shared/digits';
import type { BatchResult } from '../../shared/ipc';
import {
  CID,
  deferred,
  failure,
  IID54,
  IID63,
  liveRegionsSaying,
  renderApp,
  success,
  withTypo,
} from '../test-support';

afterEach(cleanup);

const DASHED_CID = '062722-477945-868792-870895-165923-782876-591463-700690';
const TEXT = [
  `PC-01: ${chunk(IID63, 7).join(' ')}`,
  `PC-02: ${chunk(IID54, 6).join('-')}`,
  `PC-03: ${chunk(IID63, 7).join(' ')}`,
  `PC-04: ${chunk(withTypo(IID63, 3), 7).join(' ')}`,
].join('\n');

async function openBatch(options: Parameters<typeof renderApp>[0] = {}) {
  const rendered = await renderApp(options);
  await rendered.user.click(screen.getByRole('button', { name: 'Batch' }));
  return rendered;
}

function textArea(): HTMLTextAreaElement {
  return screen.getByRole<HTMLTextAreaElement>('textbox', { name: 'Text with Installation IDs' });
}

async function pasteText(rendered: Awaited<ReturnType<typeof openBatch>>, text = TEXT) {
  await rendered.user.click(textArea());
  await rendered.user.paste(text);
  await screen.findByRole('button', { name: /^Get \d+ Confirmation IDs?$/ });
}

/** Pastes the text, confirms, and returns the batch id the window sent. */
async function startBatch(options: Parameters<typeof renderApp>[0] = {}) {
  const answer = deferred<BatchResult>();
  const rendered = await openBatch({
    ...options,
    api: { runBatch: () => answer.promise, ...options.api },
  });
  await pasteText(rendered);
  await rendered.user.click(screen.getByRole('button', { name: 'Get 2 Confirmation IDs' }));
  const dialog = screen.getByRole('dialog', { name: 'Get 2 Confirmation IDs?' });
  await rendered.user.click(within(dialog).getByRole('button', { name: 'Get 2 Confirmation IDs' }));
  const { batchId } = rendered.api.runBatch.mock.calls[0]![0];
  const send = (index: number, status: BatchProgress['status'], extra = {}) =>
    rendered.sendBatchProgress({ batchId, index, status, finished: 0, total: 2, ...extra });
  return { ...rendered, answer, batchId, send };
}

function bodyRows(): HTMLElement[] {
  const table = screen.getByRole('table', { name: 'Results, in the order of the text' });
  return within(table).getAllByRole('row').slice(1);
}

function progress(): HTMLElement {
  return screen.getByRole('progressbar', { name: /finished$/ });
}

/** `count` distinct, valid 54-digit Installation IDs, one a line. */
function manyIids(count: number): string {
  const group = (payload: string) => `${payload}${checkDigitFor(payload)}`;
  const rest = Array.from({ length: 8 }, () => group('12345')).join(' ');
  return Array.from(
    { length: count },
    (_, n) => `${group(String(n).padStart(5, '0'))} ${rest}`,
  ).join('\n');
}

describe('Batch view', () => {
  it('finds the IDs in pasted text, counts duplicates and lists the invalid ones', async () => {
    const rendered = await openBatch();
    expect(
      screen.getByText('Paste text above or open a file: every Installation ID in it is found.'),
    ).toBeVisible();
    expect(screen.getByRole('button', { name: 'Get Confirmation IDs' })).toBeDisabled();
    await pasteText(rendered);
    expect(
      screen.getByText('2 Installation IDs found · 1 duplicate dropped · 1 invalid'),
    ).toBeVisible();
    const invalid = screen
      .getByRole('heading', { name: 'Not a valid Installation ID (it will not be sent)' })
      .closest('div')!;
    const item = within(invalid).getByRole('listitem');
    expect(item).toHaveTextContent(
      'Line 47221196 9197040 4181693 7404096 2814372 3123533 5227555 2274724 7236561Group 3 of the Installation ID does not pass its check digit.',
    );
    expect(screen.getByRole('button', { name: 'Get 2 Confirmation IDs' })).toBeEnabled();
  });

  it('puts an opened file in the text and names it', async () => {
    const rendered = await openBatch({
      api: { openBatchFile: async () => ({ ok: true, file: { name: 'lab.csv', text: TEXT } }) },
    });
    await rendered.user.click(screen.getByRole('button', { name: 'Open file…' }));
    await waitFor(() => expect(textArea()).toHaveValue(TEXT));
    expect(screen.getByText('lab.csv')).toBeVisible();
    expect(textArea()).toHaveFocus();
    expect(await screen.findByText(/^2 Installation IDs found/)).toBeVisible();
  });

  it('lists the IDs found, with their lines, on request', async () => {
    const rendered = await openBatch();
    await pasteText(rendered);
    await rendered.user.click(screen.getByText('Show the 2 Installation IDs found'));
    const list = await screen.findByRole('list', { name: 'Installation IDs found' });
    expect(
      within(list)
        .getAllByRole('listitem')
        .map((item) => item.textContent),
    ).toEqual([
      'Line 17221196 9197040 4081693 7404096 2814372 3123533 5227555 2274724 7236561',
      'Line 2005950 994222 211946 473620 381251 933522 362211 063114 026142',
    ]);
  });

  it('says why a file could not be opened', async () => {
    const rendered = await openBatch({
      api: {
        openBatchFile: async () => ({
          ok: false,
          error: {
            kind: 'invalid-input',
            code: null,
            message: 'photo.png is not a text file.',
            advice: 'Choose a .txt or .csv file, or paste the Installation IDs instead.',
          },
        }),
      },
    });
    await rendered.user.click(screen.getByRole('button', { name: 'Open file…' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      "The file couldn't be openedphoto.png is not a text file.Choose a .txt or .csv file, or paste the Installation IDs instead.",
    );
    expect(textArea()).toHaveValue('');
  });

  it('refuses more Installation IDs than a batch takes', async () => {
    await openBatch();
    fireEvent.change(textArea(), { target: { value: manyIids(BATCH_MAX_IIDS + 1) } });
    expect(
      await screen.findByText(
        'A batch takes at most 5,000 Installation IDs, and this text holds 5,001. Split it into smaller batches.',
      ),
    ).toBeVisible();
    expect(screen.getByRole('button', { name: 'Get Confirmation IDs' })).toBeDisabled();
  });

  it('asks before sending, then runs the batch once with a fresh id', async () => {
    const rendered = await openBatch();
    await pasteText(rendered);
    await rendered.user.click(screen.getByRole('button', { name: 'Get 2 Confirmation IDs' }));
    let dialog = screen.getByRole('dialog', { name: 'Get 2 Confirmation IDs?' });
    expect(dialog).toHaveTextContent(
      "CID Desk will send up to 2 requests to Microsoft, which may use up to 2 activations of the product key: one for each Installation ID not yet in this computer's history.",
    );
    expect(dialog).toHaveTextContent(
      'Installation IDs already in the history are answered from it, at no cost.',
    );
    await rendered.user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(rendered.api.runBatch).not.toHaveBeenCalled();

    await rendered.user.click(screen.getByRole('button', { name: 'Get 2 Confirmation IDs' }));
    dialog = screen.getByRole('dialog', { name: 'Get 2 Confirmation IDs?' });
    await rendered.user.dblClick(
      within(dialog).getByRole('button', { name: 'Get 2 Confirmation IDs' }),
    );
    expect(rendered.api.runBatch).toHaveBeenCalledTimes(1);
    const args = rendered.api.runBatch.mock.calls[0]![0];
    expect(args).toEqual({ batchId: args.batchId, iids: [IID63, IID54], force: false });
    expect(args.batchId).toMatch(/^[0-9a-f-]{36}$/);
    expect(screen.getByRole('heading', { level: 1, name: 'Batch' })).toHaveFocus();
    expect(bodyRows().map((row) => row.textContent)).toEqual([
      '17221196 9197040 4081693 7404096 2814372 3123533 5227555 2274724 7236561Queued',
      '2005950 994222 211946 473620 381251 933522 362211 063114 026142Queued',
    ]);
  });

  it('follows the progress of its own batch only', async () => {
    const { send, sendBatchProgress } = await startBatch();
    expect(progress()).toHaveAttribute('aria-valuenow', '0');
    expect(progress()).toHaveAttribute('aria-valuemax', '2');

    send(0, 'running');
    await waitFor(() => expect(bodyRows()[0]).toHaveTextContent('Sending…'));

    sendBatchProgress({
      batchId: 'another-batch',
      index: 1,
      status: 'done',
      outcome: success(IID54),
      finished: 2,
      total: 2,
    });
    send(0, 'done', { outcome: success(IID63), finished: 1 });
    await waitFor(() => expect(bodyRows()[0]).toHaveTextContent(`CID${DASHED_CID}`));
    expect(bodyRows()[1]).toHaveTextContent('Queued');
    expect(progress()).toHaveAttribute('aria-valuenow', '1');
    expect(screen.getByText('1 of 2 finished')).toBeVisible();

    send(1, 'done', {
      outcome: failure({ kind: 'network', cause: 'timeout', mayHaveReachedService: true }),
      finished: 2,
    });
    await waitFor(() => expect(bodyRows()[1]).toHaveTextContent('Network error'));
    expect(bodyRows()[1]).toHaveTextContent('An activation may have been used');
    expect(progress()).toHaveAttribute('aria-valuenow', '2');
  });

  it('cancels the running batch by its id', async () => {
    const { user, api, batchId } = await startBatch();
    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(api.cancelBatch).toHaveBeenCalledTimes(1);
    expect(api.cancelBatch).toHaveBeenCalledWith({ batchId });
    expect(screen.getByRole('button', { name: 'Cancelling…' })).toBeDisabled();
  });

  it('sums up, copies the results for a spreadsheet, exports them and starts over', async () => {
    const saved = 'C:\\Users\\Ana\\Documents\\cid-desk-batch-2025-03-14.csv';
    const { user, api, clipboard, batchId, send, answer } = await startBatch({
      api: { exportBatch: async () => ({ ok: true, path: saved }) },
    });
    send(0, 'done', { outcome: success(IID63), finished: 1 });
    send(1, 'done', { outcome: success(IID54, { fromHistory: true }), finished: 2 });
    await act(async () =>
      answer.resolve({
        ok: true,
        summary: { total: 2, obtained: 1, fromHistory: 1, failed: 0, cancelled: 0 },
      }),
    );
    expect(screen.getByText('Done:').closest('p')).toHaveTextContent(
      'Done: 1 obtained · 1 from history · 0 failed · 0 not sent',
    );
    expect(liveRegionsSaying('1 obtained · 1 from history')).toHaveLength(1);
    expect(screen.getByRole('group', { name: 'Counts' })).toHaveTextContent(
      '1Obtainedone activation each1From historyno activation used0Failed0Not sentno activation used',
    );
    expect(bodyRows()[1]).toHaveTextContent('From history');
    // A real run: nothing marked demo, nothing said about unsaved CIDs.
    expect(within(bodyRows()[0]!).queryByText('demo')).toBeNull();
    expect(screen.queryByText(/could not be saved/)).toBeNull();
    expect(screen.queryByRole('button', { name: 'Cancel' })).toBeNull();

    await user.click(screen.getByRole('button', { name: 'Copy results' }));
    expect(clipboard.writeText).toHaveBeenCalledWith(
      'Installation ID\tConfirmation ID\n' +
        `7221196-9197040-4081693-7404096-2814372-3123533-5227555-2274724-7236561\t${DASHED_CID}\n` +
        `005950-994222-211946-473620-381251-933522-362211-063114-026142\t${DASHED_CID}\n`,
    );
    expect(
      screen.getByText('Copied 2 results (Installation ID and Confirmation ID, tab-separated)'),
    ).toBeVisible();

    await user.click(screen.getByRole('button', { name: 'Export CSV…' }));
    expect(api.exportBatch).toHaveBeenCalledWith({ batchId });
    const message = screen.getAllByText(/^Saved to/).find((e) => !e.closest('[aria-live]'));
    expect(message).toHaveTextContent(`Saved to ${saved}`);
    expect(liveRegionsSaying(`Saved to ${saved}`)).toHaveLength(1);

    await user.click(screen.getByRole('button', { name: 'New batch' }));
    expect(textArea()).toHaveValue('');
    expect(textArea()).toHaveFocus();
    expect(api.runBatch).toHaveBeenCalledTimes(1);
  });

  it('copies the CID of one row', async () => {
    const { user, clipboard, send } = await startBatch();
    send(0, 'done', { outcome: success(IID63), finished: 1 });
    const copy = await screen.findByRole('button', {
      name: 'Copy the Confirmation ID of row 1',
    });
    await user.click(copy);
    expect(clipboard.writeText).toHaveBeenCalledWith(CID);
    expect(screen.getByText('Copied the Confirmation ID of row 1')).toBeVisible();
  });

  it('shows why a batch stopped', async () => {
    const { answer } = await startBatch();
    await act(async () =>
      answer.resolve({
        ok: false,
        error: {
          kind: 'storage',
          code: null,
          message: 'Nothing was sent: CID Desk cannot use its history.',
          advice: 'Check the data folder.',
        },
      }),
    );
    expect(screen.getByRole('alert')).toHaveTextContent(
      'The batch stoppedNothing was sent: CID Desk cannot use its history.Check the data folder.',
    );
    expect(screen.getByRole('button', { name: 'New batch' })).toBeVisible();
  });

  it('asks the simulator, and says no activation is used, in demo mode', async () => {
    const rendered = await openBatch({ settings: { demoMode: true } });
    await pasteText(rendered);
    await rendered.user.click(screen.getByRole('button', { name: 'Get 2 Confirmation IDs' }));
    expect(screen.getByRole('dialog', { name: 'Get 2 Confirmation IDs?' })).toHaveTextContent(
      'CID Desk will ask the demo simulator for 2 Confirmation IDs. In demo mode no request reaches Microsoft and no activation is used.',
    );
  });

  describe('a CID that could not be saved in the history', () => {
    const WARNING =
      'This Confirmation ID could not be saved to the history (disk full). Write it down or copy it now: CID Desk will not remember it, and asking again would use another activation.';
    const SUMMARY = { total: 2, obtained: 1, fromHistory: 1, failed: 0, cancelled: 0 };

    async function finishWithUnsaved(answer?: BatchResult) {
      const rendered = await startBatch();
      rendered.send(0, 'done', {
        outcome: success(IID63, { warning: WARNING, source: 'service' }),
        finished: 1,
      });
      rendered.send(1, 'done', {
        outcome: success(IID54, { fromHistory: true, source: 'service' }),
        finished: 2,
      });
      await act(async () => rendered.answer.resolve(answer ?? { ok: true, summary: SUMMARY }));
      return rendered;
    }

    it('gets a status of its own, with the warning, while the batch still runs', async () => {
      const { send } = await startBatch();
      send(0, 'done', {
        outcome: success(IID63, { warning: WARNING, source: 'service' }),
        finished: 1,
      });
      await waitFor(() => expect(bodyRows()[0]).toHaveTextContent('CID · not saved'));
      expect(bodyRows()[0]).toHaveTextContent(`CID · not saved${DASHED_CID}${WARNING}`);
      expect(bodyRows()[0]).toHaveClass('is-unsaved');
      expect(
        screen.getByText('1 Confirmation ID could not be saved in the history.'),
      ).toBeVisible();
    });

    it('is counted, said loudly above the table, and announced with the summary', async () => {
      await finishWithUnsaved();
      expect(screen.getByText('Done:').closest('p')).toHaveTextContent(
        'Done: 1 obtained · 1 from history · 0 failed · 0 not sent · 1 not saved in the history',
      );
      const callout = screen
        .getByText('1 Confirmation ID could not be saved in the history.')
        .closest('.callout')!;
      expect(callout).toHaveTextContent(
        '1 Confirmation ID could not be saved in the history.Copy or export it now: CID Desk will not remember it, and asking again would use another activation.',
      );
      // Above the results, where it is seen before them.
      const table = screen.getByRole('table', { name: 'Results, in the order of the text' });
      expect(
        callout.compareDocumentPosition(table) & Node.DOCUMENT_POSITION_FOLLOWING,
      ).toBeTruthy();
      expect(
        liveRegionsSaying(
          'Batch finished: 1 obtained · 1 from history · 0 failed · 0 not sent · 1 not saved in the history. 1 Confirmation ID could not be saved in the history. Copy or export it now',
        ),
      ).toHaveLength(1);
      expect(bodyRows()[1]).toHaveTextContent('From history');
      expect(bodyRows()[1]).not.toHaveTextContent('not saved');
    });

    it('is noted when the results are copied', async () => {
      const { user, clipboard } = await finishWithUnsaved();
      await user.click(screen.getByRole('button', { name: 'Copy results' }));
      expect(clipboard.writeText).toHaveBeenCalledWith(
        'Installation ID\tConfirmation ID\tNote\n' +
          `7221196-9197040-4081693-7404096-2814372-3123533-5227555-2274724-7236561\t${DASHED_CID}\tNot saved in the history.\n` +
          `005950-994222-211946-473620-381251-933522-362211-063114-026142\t${DASHED_CID}\t\n`,
      );
      expect(
        screen.getByText(
          'Copied 2 results (Installation ID, Confirmation ID and a note, tab-separated)',
        ),
      ).toBeVisible();
    });

    it('is not discarded by New batch without a confirmation', async () => {
      const { user } = await finishWithUnsaved();
      await user.click(screen.getByRole('button', { name: 'New batch' }));
      let dialog = screen.getByRole('dialog', { name: 'Discard these results?' });
      expect(dialog).toHaveTextContent(
        '1 Confirmation ID could not be saved in the history. Once these results are gone, CID Desk cannot show it again, and asking again would use another activation.',
      );
      expect(dialog).toHaveTextContent(
        'Copy or export the results first if you may still need them.',
      );
      expect(within(dialog).getByRole('button', { name: 'Cancel' })).toHaveFocus();
      await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
      expect(screen.queryByRole('dialog')).toBeNull();
      expect(bodyRows()[0]).toHaveTextContent('CID · not saved');

      await user.click(screen.getByRole('button', { name: 'New batch' }));
      dialog = screen.getByRole('dialog', { name: 'Discard these results?' });
      await user.click(
        within(dialog).getByRole('button', { name: 'Discard and start a new batch' }),
      );
      expect(screen.queryByRole('dialog')).toBeNull();
      expect(screen.queryByRole('table')).toBeNull();
      expect(textArea()).toHaveValue('');
      expect(textArea()).toHaveFocus();
    });

    it('asks to copy it when the batch stopped and cannot be exported', async () => {
      const { user } = await finishWithUnsaved({
        ok: false,
        error: {
          kind: 'storage',
          code: null,
          message: 'The batch could not go on.',
          advice: 'Check the data folder.',
        },
      });
      expect(
        screen
          .getByText('1 Confirmation ID could not be saved in the history.')
          .closest('.callout'),
      ).toHaveTextContent(
        'Copy it now: CID Desk will not remember it, and asking again would use another activation.',
      );
      expect(screen.getByRole('button', { name: 'Export CSV…' })).toBeDisabled();
      expect(
        liveRegionsSaying(
          'The batch stopped with an error. 1 Confirmation ID could not be saved in the history. Copy it now',
        ),
      ).toHaveLength(1);
      await user.click(screen.getByRole('button', { name: 'New batch' }));
      expect(screen.getByRole('dialog', { name: 'Discard these results?' })).toHaveTextContent(
        'Copy the results first if you may still need them.',
      );
    });
  });

  describe('demo results', () => {
    const SUMMARY = { total: 2, obtained: 1, fromHistory: 1, failed: 0, cancelled: 0 };

    it('stay marked demo after demo mode is turned off, and are copied as demo', async () => {
      const { user, clipboard, send, answer } = await startBatch({
        settings: { demoMode: true },
      });
      expect(screen.getByText('Asking the demo simulator for 2 Confirmation IDs…')).toBeVisible();
      send(0, 'done', { outcome: success(IID63, { source: 'simulator' }), finished: 1 });
      send(1, 'done', {
        outcome: success(IID54, { fromHistory: true, source: 'simulator' }),
        finished: 2,
      });
      await act(async () => answer.resolve({ ok: true, summary: SUMMARY }));
      expect(liveRegionsSaying('Demo batch finished: 1 obtained')).toHaveLength(1);

      // Demo mode off: the rows were still answered by the simulator.
      await user.click(screen.getByRole('button', { name: 'Settings' }));
      const settings = screen.getByRole('dialog', { name: 'Settings' });
      await user.click(within(settings).getByRole('switch', { name: 'Demo mode' }));
      await user.click(within(settings).getByRole('button', { name: 'Save' }));
      expect(screen.queryByRole('dialog')).toBeNull();
      expect(screen.queryByText(/DEMO MODE/)).toBeNull();

      for (const row of bodyRows()) expect(within(row).getByText('demo')).toHaveClass('badge');
      expect(screen.getByRole('group', { name: 'Counts' })).toHaveTextContent(
        '1Obtainedfrom the simulator',
      );
      expect(screen.getByRole('group', { name: 'Counts' })).not.toHaveTextContent(
        'one activation each',
      );
      expect(
        screen.getByText(
          'Demo Confirmation IDs from the built-in simulator, marked demo below. They will not activate anything, and no activation was used.',
        ),
      ).toBeVisible();

      await user.click(screen.getByRole('button', { name: 'Copy results' }));
      expect(clipboard.writeText).toHaveBeenCalledWith(
        'Installation ID\tConfirmation ID\tNote\n' +
          `7221196-9197040-4081693-7404096-2814372-3123533-5227555-2274724-7236561\t${DASHED_CID}\tDemo mode: made up by the built-in simulator.\n` +
          `005950-994222-211946-473620-381251-933522-362211-063114-026142\t${DASHED_CID}\tDemo mode: made up by the built-in simulator.\n`,
      );

      await user.click(screen.getByRole('button', { name: 'Copy the Confirmation ID of row 1' }));
      expect(screen.getByText('Copied the demo Confirmation ID of row 1')).toBeVisible();
    });

    it("go by the answers' own source rather than the mode the batch was started in", async () => {
      const { send, answer } = await startBatch({ settings: { demoMode: true } });
      // Demo mode was switched off before main read the settings: Microsoft answered.
      send(0, 'done', { outcome: success(IID63, { source: 'service' }), finished: 1 });
      send(1, 'done', {
        outcome: success(IID54, { fromHistory: true, source: 'service' }),
        finished: 2,
      });
      await act(async () => answer.resolve({ ok: true, summary: SUMMARY }));
      expect(within(bodyRows()[0]!).queryByText('demo')).toBeNull();
      expect(screen.getByRole('group', { name: 'Counts' })).toHaveTextContent(
        '1Obtainedone activation each',
      );
      expect(liveRegionsSaying(/^Batch finished: 1 obtained/)).toHaveLength(1);
      expect(screen.queryByText(/^Demo Confirmation IDs/)).toBeNull();
    });
  });
});
