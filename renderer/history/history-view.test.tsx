import { act, cleanup, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { HistoryEntry } from '../../shared/history';
import { HISTORY_QUERY_MAX } from '../../shared/ipc';
import { formatWhenShort } from '../common/format';
import {
  CID,
  cidEntry,
  errorEntry,
  historyOf,
  IID54,
  IID63,
  remainingEntry,
  renderApp,
  liveRegionsSaying,
} from '../test-support';

afterEach(cleanup);

const DASHED_CID = '062722-477945-868792-870895-165923-782876-591463-700690';
const DEMO_CID = cidEntry({
  id: 'd1d2e3f4-0000-4000-8000-000000000004',
  at: '2025-03-11T10:00:00.000Z',
  iid: IID54,
  source: 'simulator',
});
const ENTRIES: HistoryEntry[] = [cidEntry(), errorEntry(), remainingEntry(), DEMO_CID];

async function openHistory(options: Parameters<typeof renderApp>[0] = {}) {
  const rendered = await renderApp(options);
  await rendered.user.click(screen.getByRole('button', { name: 'History' }));
  return rendered;
}

/** The body rows of the history table, once it shows `count` of them. */
async function rows(count: number): Promise<HTMLElement[]> {
  const table = await screen.findByRole('table', { name: 'History, newest first' });
  // A plain selector: role queries over a hundred rows take seconds in the DOM emulation.
  const body = () => [...table.querySelectorAll<HTMLElement>('tbody tr')];
  await waitFor(() => expect(body()).toHaveLength(count));
  return body();
}

function when(iso: string): string {
  const { date, time } = formatWhenShort(iso);
  return `${date} ${time}`;
}

describe('History view', () => {
  it('lists each kind of entry with its date, IDs and result, newest first', async () => {
    const { api } = await openHistory({ api: { listHistory: historyOf(ENTRIES) } });
    const [cid, error, remaining, demo] = await rows(4);
    expect(api.listHistory).toHaveBeenCalledWith({ query: '', limit: 100, offset: 0 });
    expect(screen.getByText('4 entries')).toBeVisible();

    expect(cid).toHaveTextContent(
      `${when(cidEntry().at)}CID7221196 9197040 4081693 7404096 2814372 3123533 5227555 2274724 7236561${DASHED_CID}`,
    );
    expect(within(cid!).getByText(formatWhenShort(cidEntry().at).date)).toBeVisible();
    expect(error).toHaveTextContent('Error');
    expect(error).toHaveTextContent(
      '005950 994222 211946 473620 381251 933522 362211 063114 026142',
    );
    expect(error).toHaveTextContent('0x67The product key has been blocked by Microsoft.');
    expect(within(error!).queryByRole('button', { name: /Copy/ })).toBeNull();
    expect(remaining).toHaveTextContent(
      'RemainingExtended PID55041-00172-033-600075-03-1033-7601.0000-14120125 activations left',
    );
    expect(within(demo!).getByText('demo')).toHaveClass('badge', 'is-demo');
    expect(within(cid!).queryByText('demo')).toBeNull();
  });

  it('badges the errors and counts of demo mode as demo, and no real ones', async () => {
    const demoError = errorEntry({
      id: 'e1d2e3f4-0000-4000-8000-000000000005',
      source: 'simulator',
    });
    const demoCount = remainingEntry({
      id: 'a1d2e3f4-0000-4000-8000-000000000006',
      source: 'simulator',
    });
    const realCount = remainingEntry({
      id: 'a1d2e3f4-0000-4000-8000-000000000007',
      source: 'service',
    });
    await openHistory({
      api: {
        listHistory: historyOf([errorEntry(), demoError, remainingEntry(), demoCount, realCount]),
      },
    });
    const [error, demoErrorRow, remaining, demoCountRow, realCountRow] = await rows(5);

    for (const row of [demoErrorRow, demoCountRow]) {
      expect(within(row!).getByText('demo')).toHaveClass('badge', 'is-demo');
    }
    expect(within(demoErrorRow!).getByText('Error')).toHaveClass('kind', 'is-error');
    expect(demoErrorRow).toHaveTextContent('0x67The product key has been blocked by Microsoft.');
    expect(within(demoCountRow!).getByText('Remaining')).toHaveClass('kind', 'is-remaining');
    expect(demoCountRow).toHaveTextContent('5 activations left');
    for (const row of [error, remaining, realCountRow]) {
      expect(within(row!).queryByText('demo')).toBeNull();
    }
  });

  it('explains what the history is for when it is empty', async () => {
    await openHistory();
    expect(await screen.findByRole('heading', { name: 'No history yet' })).toBeVisible();
    expect(
      screen.getByText(
        /Ask for the same Installation ID again and CID Desk answers from this history instead of using another activation/,
      ),
    ).toBeVisible();
    expect(screen.getByRole('button', { name: 'Export CSV…' })).toBeDisabled();
  });

  it('passes the search to main and shows what matches', async () => {
    const { user, api } = await openHistory({ api: { listHistory: historyOf(ENTRIES) } });
    await rows(4);
    await user.type(screen.getByRole('searchbox', { name: 'Search the history' }), '2025-03-13');
    await rows(1);
    expect(api.listHistory).toHaveBeenLastCalledWith({
      query: '2025-03-13',
      limit: 100,
      offset: 0,
    });
    // Typing is debounced: not one request per key.
    expect(api.listHistory.mock.calls.length).toBeLessThan(4);
    expect(screen.getByText('1 entry match “2025-03-13”')).toBeVisible();

    await user.clear(screen.getByRole('searchbox', { name: 'Search the history' }));
    await user.type(screen.getByRole('searchbox', { name: 'Search the history' }), '31415');
    expect(await screen.findByText('Nothing matches “31415”.')).toBeVisible();
    expect(screen.queryByRole('table')).toBeNull();
    expect(screen.getByText(/Search by any part of the digits/)).toBeVisible();
  });

  it('asks before deleting an entry, then deletes it by its id', async () => {
    const { user, api } = await openHistory({ api: { listHistory: historyOf(ENTRIES) } });
    const [cid] = await rows(4);
    const label = `Delete the entry of ${when(cidEntry().at)}`;

    await user.click(within(cid!).getByRole('button', { name: label }));
    let dialog = screen.getByRole('dialog', { name: 'Delete this entry?' });
    expect(dialog).toHaveTextContent(
      'CID Desk will no longer know the Confirmation ID it obtained on',
    );
    expect(dialog).toHaveTextContent(
      'Asking for it again would use another activation of the product key.',
    );
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(api.deleteHistoryEntry).not.toHaveBeenCalled();

    await user.click(within(cid!).getByRole('button', { name: label }));
    dialog = screen.getByRole('dialog', { name: 'Delete this entry?' });
    await user.click(within(dialog).getByRole('button', { name: 'Delete' }));
    expect(api.deleteHistoryEntry).toHaveBeenCalledTimes(1);
    expect(api.deleteHistoryEntry).toHaveBeenCalledWith({ id: cidEntry().id });
    const left = await rows(3);
    expect(left[0]).toHaveTextContent('0x67');
    expect(screen.getByText('3 entries')).toBeVisible();
    expect(within(left[0]!).getByRole('button', { name: /^Delete/ })).toHaveFocus();
  });

  it('does not warn of an activation when deleting a demo Confirmation ID', async () => {
    const demo = cidEntry({ source: 'simulator' });
    const { user } = await openHistory({ api: { listHistory: historyOf([demo]) } });
    const [row] = await rows(1);
    await user.click(
      within(row!).getByRole('button', { name: `Delete the entry of ${when(demo.at)}` }),
    );
    const dialog = screen.getByRole('dialog', { name: 'Delete this entry?' });
    expect(dialog).toHaveTextContent(
      'It is a demo Confirmation ID, made up by the built-in simulator.',
    );
    expect(dialog).not.toHaveTextContent('another activation');
  });

  it('takes no more search text than main accepts, so a long paste still searches', async () => {
    const { user, api } = await openHistory({ api: { listHistory: historyOf(ENTRIES) } });
    await rows(4);
    const box = screen.getByRole('searchbox', { name: 'Search the history' });
    await user.click(box);
    await user.paste(`Re: activation of ${IID63} `.repeat(10));
    expect((box as HTMLInputElement).value).toHaveLength(HISTORY_QUERY_MAX);
    await waitFor(() =>
      expect(api.listHistory).toHaveBeenLastCalledWith(
        expect.objectContaining({ query: (box as HTMLInputElement).value.trim() }),
      ),
    );
    const last = vi.mocked(api.listHistory).mock.lastCall![0];
    expect(last.query.length).toBeLessThanOrEqual(HISTORY_QUERY_MAX);
  });

  it('says so when an entry cannot be deleted, and keeps it', async () => {
    const { user } = await openHistory({
      api: {
        listHistory: historyOf(ENTRIES),
        deleteHistoryEntry: async () => ({
          ok: false,
          error: {
            kind: 'storage',
            code: null,
            message: 'The history could not be written: the disk is full.',
            advice: 'Free some space and try again.',
          },
        }),
      },
    });
    const [cid] = await rows(4);
    await user.click(within(cid!).getByRole('button', { name: /^Delete/ }));
    await user.click(screen.getByRole('button', { name: 'Delete' }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent(
      "The entry couldn't be deletedThe history could not be written: the disk is full.Free some space and try again.",
    );
    await rows(4);
  });

  it('copies the CID of a row', async () => {
    const { user, clipboard } = await openHistory({ api: { listHistory: historyOf(ENTRIES) } });
    const [cid] = await rows(4);
    await user.click(
      within(cid!).getByRole('button', {
        name: `Copy the Confirmation ID of ${when(cidEntry().at)}`,
      }),
    );
    expect(clipboard.writeText).toHaveBeenCalledWith(CID);
    expect(screen.getByText('Copied the Confirmation ID (48 digits)')).toBeVisible();
  });

  it('exports the entries of the current search and shows where they were saved', async () => {
    const saved = 'C:\\Users\\Ana\\Documents\\cid-desk-history-2025-03-14.csv';
    const answers = [
      { ok: true as const, path: null },
      { ok: true as const, path: saved },
      { ok: true as const, path: null },
    ];
    const { user, api } = await openHistory({
      api: { listHistory: historyOf(ENTRIES), exportHistory: async () => answers.shift()! },
    });
    await rows(4);
    await user.click(screen.getByRole('searchbox', { name: 'Search the history' }));
    await user.paste(IID63);
    await rows(1);

    // The button says that the search decides what is exported.
    const exportButton = screen.getByRole('button', { name: 'Export matches as CSV…' });
    // The user cancels the save dialog: nothing to say.
    await user.click(exportButton);
    expect(api.exportHistory).toHaveBeenLastCalledWith({ query: IID63 });
    expect(screen.queryByText(/^Saved/)).toBeNull();

    await user.click(exportButton);
    expect(api.exportHistory).toHaveBeenCalledTimes(2);
    const sentence = `Saved the entries that match “${IID63}” to ${saved}`;
    const message = screen
      .getAllByText(/^Saved the entries/)
      .find((e) => !e.closest('[aria-live]'));
    expect(message).toHaveTextContent(sentence);
    // Said once: the window's announcer speaks, the message on screen does not repeat it.
    expect(liveRegionsSaying(sentence)).toHaveLength(1);

    // Without a search, the whole history.
    await user.clear(screen.getByRole('searchbox', { name: 'Search the history' }));
    await rows(4);
    // What was saved for another search is no longer shown.
    expect(screen.queryAllByText(/^Saved/).filter((e) => !e.closest('[aria-live]'))).toEqual([]);
    await user.click(screen.getByRole('button', { name: 'Export CSV…' }));
    expect(api.exportHistory).toHaveBeenLastCalledWith({ query: '' });
  });

  it('shows why an export failed', async () => {
    const { user } = await openHistory({
      api: {
        listHistory: historyOf(ENTRIES),
        exportHistory: async () => ({
          ok: false,
          error: {
            kind: 'storage',
            code: null,
            message: 'The file could not be written: EACCES.',
            advice: 'Choose another folder.',
          },
        }),
      },
    });
    await rows(4);
    await user.click(screen.getByRole('button', { name: 'Export CSV…' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      "The history couldn't be exportedThe file could not be written: EACCES.Choose another folder.",
    );
  });

  it('shows 100 entries at a time and more on request', async () => {
    const many = Array.from({ length: 150 }, (_, i) =>
      cidEntry({
        id: `c0000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
        at: new Date(Date.UTC(2025, 2, 14) - i * 60_000).toISOString(),
      }),
    );
    const { user, api } = await openHistory({ api: { listHistory: historyOf(many) } });
    await rows(100);
    expect(screen.getByText('150 entries · showing the newest 100')).toBeVisible();
    // Found by text: a role query over 200 row buttons is slow in the DOM emulation.
    await user.click(screen.getByText('Show 50 more'));
    const all = await rows(150);
    expect(api.listHistory).toHaveBeenLastCalledWith({ query: '', limit: 100, offset: 100 });
    expect(all.map((row) => row.dataset.entry)).toEqual(many.map((entry) => entry.id));
    expect(screen.queryByText(/^Show \d+ more$/)).toBeNull();
    expect(screen.getByText('150 entries')).toBeVisible();
  });

  it('reports a history that cannot be read, and tries again', async () => {
    let calls = 0;
    const { user } = await openHistory({
      api: {
        listHistory: async (args) => {
          calls += 1;
          if (calls === 1) {
            return {
              ok: false,
              error: {
                kind: 'storage',
                code: null,
                message: 'The history file could not be read: EACCES.',
                advice: 'Check the permissions of the data folder.',
              },
            };
          }
          return historyOf(ENTRIES)(args);
        },
      },
    });
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent(
      "The history couldn't be readThe history file could not be read: EACCES.Check the permissions of the data folder.",
    );
    await user.click(within(alert).getByRole('button', { name: 'Try again' }));
    await rows(4);
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('reads the history again each time it is opened and after a new CID', async () => {
    const { user, api, sendCommand } = await openHistory({
      api: { listHistory: historyOf(ENTRIES) },
    });
    await rows(4);
    expect(api.listHistory).toHaveBeenCalledTimes(1);

    await user.click(screen.getByRole('button', { name: 'Activate' }));
    await user.click(screen.getByRole('textbox', { name: 'Group 1 of 9' }));
    await user.paste(IID63);
    await user.keyboard('{Enter}');
    await screen.findByRole('heading', { name: /^Confirmation ID/ });
    expect(api.listHistory).toHaveBeenCalledTimes(1);

    sendCommand('history');
    await waitFor(() => expect(api.listHistory).toHaveBeenCalledTimes(2));
    expect(screen.getByRole('heading', { level: 1, name: 'History' })).toHaveFocus();
    await act(async () => undefined);
  });
});
