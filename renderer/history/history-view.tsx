/**
 * The history: every Confirmation ID this computer obtained, every failed request and every count
 * of remaining activations, newest first, searchable, with copy, delete and export to CSV.
 */
import { useEffect, useId, useLayoutEffect, useRef, useState } from 'react';
import type { CidDeskError } from '../../shared/errors';
import type { HistoryEntry } from '../../shared/history';
import { HISTORY_QUERY_MAX } from '../../shared/ipc';
import { noAnswerError, RETRY_ADVICE, useEnvironment } from '../common/api';
import { SavedMessage, useCsvExport } from '../common/csv-export';
import { ConfirmDialog } from '../dialogs/confirm-dialog';
import { ErrorCallout } from '../common/error-panel';
import { formatWhen, formatWhenShort, plural } from '../common/format';
import {
  CheckIcon,
  CopyIcon,
  DownloadIcon,
  HistoryIcon,
  SearchIcon,
  TrashIcon,
  WarningIcon,
} from '../common/icons';
import { CidText, IidText } from '../common/id-text';
import { groupedIid } from '../activate/iid-fields';
import { useCopy } from '../common/use-copy';

/** Entries fetched at a time: the first page, then each "Show more". */
export const HISTORY_PAGE_SIZE = 100;
/** How long typing must pause before the search is sent to main. */
export const SEARCH_DELAY_MS = 250;

export interface HistoryViewProps {
  /** Shown now; the list is fetched again each time the view is opened. */
  active: boolean;
  /** Goes up whenever something may have been added to the history, so an open list refreshes. */
  version: number;
  announce(text: string): void;
}

interface Page {
  /** The request this page answers; see `requestKey`. */
  key: string;
  query: string;
  entries: HistoryEntry[];
  total: number;
}

function requestKey(query: string, version: number, reload: number): string {
  return JSON.stringify([query, version, reload]);
}

const KINDS = {
  cid: { label: 'CID', className: 'kind is-cid' },
  error: { label: 'Error', className: 'kind is-error' },
  remaining: { label: 'Remaining', className: 'kind is-remaining' },
} as const;

/** The kind of entry, and a badge on anything demo mode's simulator answered: not Microsoft's. */
function KindLabel({ entry }: { entry: HistoryEntry }) {
  const kind = KINDS[entry.type];
  return (
    <span className="kind-cell">
      <span className={kind.className}>{kind.label}</span>
      {entry.source === 'simulator' && <span className="badge is-demo">demo</span>}
    </span>
  );
}

function Subject({ entry }: { entry: HistoryEntry }) {
  if (entry.type !== 'remaining' && entry.iid !== undefined) {
    return <IidText digits={entry.iid} />;
  }
  return (
    <span className="pid-subject">
      <span className="cell-label">Extended PID</span>
      <span className="mono pid-text">{entry.pid}</span>
    </span>
  );
}

function Outcome({ entry }: { entry: HistoryEntry }) {
  if (entry.type === 'cid') return <CidText digits={entry.cid} />;
  if (entry.type === 'remaining') {
    return (
      <span className="remaining-text">
        {entry.remaining > 0
          ? `${plural(entry.remaining, 'activation')} left`
          : entry.remaining === 0
            ? 'No activations left'
            : 'No count given'}
      </span>
    );
  }
  return (
    <span className="error-text">
      <span className="error-line">
        {entry.error.code && <code className="code-chip">{entry.error.code}</code>}
        <span className="error-message" title={entry.error.message}>
          {entry.error.message}
        </span>
      </span>
      {entry.mayHaveReachedService && entry.error.kind !== 'service' && (
        <span className="spent-note">
          <WarningIcon />
          May have reached the service
        </span>
      )}
    </span>
  );
}

/** The History view. */
export function HistoryView({ active, version, announce }: HistoryViewProps) {
  const { api } = useEnvironment();
  const { feedback, copy } = useCopy();
  const searchId = useId();
  const countId = useId();
  const headingId = useId();
  const [text, setText] = useState('');
  const [query, setQuery] = useState('');
  const [reload, setReload] = useState(0);
  const [page, setPage] = useState<Page | null>(null);
  const [loadError, setLoadError] = useState<{ key: string; error: CidDeskError } | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [pendingDelete, setPendingDelete] = useState<HistoryEntry | null>(null);
  const [actionError, setActionError] = useState<{ title: string; error: CidDeskError } | null>(
    null,
  );
  const csv = useCsvExport({
    failureTitle: "The history couldn't be exported",
    onError: (title, error) => setActionError({ title, error }),
    announce,
  });
  const table = useRef<HTMLTableElement>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  // After a deletion the row's buttons are gone: this says where the focus goes instead.
  const focusAfterDelete = useRef<string | null>(null);

  const key = requestKey(query, version, reload);

  useEffect(() => {
    const timer = setTimeout(() => setQuery(text.trim()), SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [text]);

  useEffect(() => {
    if (!active) return;
    let live = true;
    api.listHistory({ query, limit: HISTORY_PAGE_SIZE, offset: 0 }).then(
      (answer) => {
        if (!live) return;
        if (answer.ok) {
          setPage({ key, query, entries: answer.entries, total: answer.total });
          setLoadError(null);
        } else {
          setLoadError({ key, error: answer.error });
        }
      },
      (cause: unknown) => live && setLoadError({ key, error: noAnswerError(cause, RETRY_ADVICE) }),
    );
    return () => {
      live = false;
    };
  }, [active, api, key, query]);

  useLayoutEffect(() => {
    const target = focusAfterDelete.current;
    if (target === null) return;
    focusAfterDelete.current = null;
    const button = table.current?.querySelector<HTMLElement>(
      `tr[data-entry="${target}"] [data-action="delete"]`,
    );
    (button ?? heading.current)?.focus();
  });

  async function showMore() {
    if (!page || loadingMore) return;
    setLoadingMore(true);
    try {
      const answer = await api.listHistory({
        query: page.query,
        limit: HISTORY_PAGE_SIZE,
        offset: page.entries.length,
      });
      if (!answer.ok) {
        setActionError({ title: "More entries couldn't be read", error: answer.error });
        return;
      }
      setPage((current) => {
        if (current?.key !== page.key) return current;
        // An entry added meanwhile shifts the pages by one: never list an entry twice.
        const known = new Set(current.entries.map((entry) => entry.id));
        const added = answer.entries.filter((entry) => !known.has(entry.id));
        return { ...current, entries: [...current.entries, ...added], total: answer.total };
      });
    } catch (cause) {
      setActionError({
        title: "More entries couldn't be read",
        error: noAnswerError(cause, RETRY_ADVICE),
      });
    } finally {
      setLoadingMore(false);
    }
  }

  async function remove(entry: HistoryEntry) {
    setPendingDelete(null);
    setActionError(null);
    let answer;
    try {
      answer = await api.deleteHistoryEntry({ id: entry.id });
    } catch (cause) {
      answer = { ok: false as const, error: noAnswerError(cause, RETRY_ADVICE) };
    }
    if (!answer.ok) {
      setActionError({ title: "The entry couldn't be deleted", error: answer.error });
      return;
    }
    const rows = page?.entries ?? [];
    const at = rows.findIndex((item) => item.id === entry.id);
    // The next row's delete button takes the focus, or the previous one's, or the heading.
    focusAfterDelete.current = (rows[at + 1] ?? rows[at - 1])?.id ?? 'heading';
    setPage((current) =>
      current && current.entries.some((item) => item.id === entry.id)
        ? {
            ...current,
            entries: current.entries.filter((item) => item.id !== entry.id),
            total: Math.max(0, current.total - 1),
          }
        : current,
    );
    announce('Entry deleted from the history');
  }

  function exportCsv() {
    setActionError(null);
    // The search in force is what goes into the file: the user is told so, before and after.
    const lead = query ? `Saved the entries that match “${query}” to` : 'Saved to';
    void csv.run(() => api.exportHistory({ query }), lead);
  }

  const loading = active && page?.key !== key && loadError?.key !== key;
  const entries = page?.entries ?? [];
  const total = page?.total ?? 0;
  const shownQuery = page?.query ?? '';
  const empty = page !== null && total === 0 && shownQuery === '';
  const copied = (id: string) => feedback?.ok === true && feedback.source === id;

  let count = '';
  if (page === null) count = loadError ? '' : 'Reading the history…';
  else if (total === 0 && shownQuery !== '') count = `Nothing matches “${shownQuery}”.`;
  else if (total > 0) {
    count = shownQuery
      ? `${plural(total, 'entry', 'entries')} match “${shownQuery}”`
      : plural(total, 'entry', 'entries');
    if (entries.length < total) count += ` · showing the newest ${entries.length}`;
  }

  return (
    <div className="view" data-view="history" hidden={!active}>
      <section className="card history" aria-labelledby={headingId}>
        <div className="view-head">
          <div>
            <h1 id={headingId} className="card-title" tabIndex={-1} ref={heading}>
              History
            </h1>
            <p className="lead">
              Confirmation IDs obtained on this computer, newest first. An Installation ID with a
              Confirmation ID here (not a demo one) is answered from the history, at no cost.
            </p>
          </div>
          <button
            type="button"
            className="button"
            onClick={exportCsv}
            disabled={csv.exporting || total === 0}
          >
            <DownloadIcon />
            {csv.exporting ? 'Exporting…' : query ? 'Export matches as CSV…' : 'Export CSV…'}
          </button>
        </div>

        {!empty && (
          <div className="history-toolbar">
            <div className="search">
              <label htmlFor={searchId} className="visually-hidden">
                Search the history
              </label>
              <SearchIcon />
              <input
                id={searchId}
                type="search"
                className="text-input"
                placeholder="Search by Installation ID, Confirmation ID or date (YYYY-MM-DD)"
                value={text}
                onChange={(event) => {
                  setText(event.currentTarget.value);
                  csv.forget();
                }}
                aria-describedby={countId}
                maxLength={HISTORY_QUERY_MAX}
                autoComplete="off"
                spellCheck={false}
              />
            </div>
            <div className="history-status">
              <p id={countId} className="history-count" aria-live="polite">
                {loading && page !== null && page.query !== query ? 'Searching…' : count}
              </p>
              <p
                className={`copy-feedback${feedback && !feedback.ok ? ' is-error' : ''}`}
                role="status"
              >
                {feedback && (
                  <>
                    {feedback.ok ? <CheckIcon /> : <WarningIcon />}
                    <span>{feedback.message}</span>
                  </>
                )}
              </p>
            </div>
          </div>
        )}

        <SavedMessage saved={csv.saved} />
        {actionError && <ErrorCallout title={actionError.title} error={actionError.error} />}
        {loadError && (
          <ErrorCallout
            title="The history couldn't be read"
            error={loadError.error}
            action={
              <button
                type="button"
                className="button small"
                onClick={() => setReload((n) => n + 1)}
              >
                Try again
              </button>
            }
          />
        )}

        {empty ? (
          <div className="empty-state">
            <HistoryIcon className="empty-mark" />
            <h2 className="section-title">No history yet</h2>
            <p>
              Every Confirmation ID that CID Desk obtains is kept here, on this computer. Ask for
              the same Installation ID again and CID Desk answers from this history instead of using
              another activation of the product key.
            </p>
            <p className="empty-more">
              Failed requests and remaining-activation checks are listed too.
            </p>
          </div>
        ) : (
          entries.length > 0 && (
            <div className="table-frame">
              <table className="table history-table" ref={table}>
                <caption className="visually-hidden">History, newest first</caption>
                <thead>
                  <tr>
                    <th scope="col">When</th>
                    <th scope="col">Kind</th>
                    <th scope="col">Installation ID</th>
                    <th scope="col">Confirmation ID or result</th>
                    <th scope="col">
                      <span className="visually-hidden">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {entries.map((entry) => {
                    const when = formatWhenShort(entry.at);
                    const label = `${when.date} ${when.time}`;
                    return (
                      <tr key={entry.id} data-entry={entry.id}>
                        <td className="when-cell">
                          <time dateTime={entry.at} title={formatWhen(entry.at)}>
                            <span>{when.date}</span> <span className="when-time">{when.time}</span>
                          </time>
                        </td>
                        <td className="kind-cell-td">
                          <KindLabel entry={entry} />
                        </td>
                        <td
                          className="labelled"
                          data-label={
                            entry.type === 'remaining' || entry.iid === undefined
                              ? undefined
                              : 'Installation ID'
                          }
                        >
                          <Subject entry={entry} />
                        </td>
                        <td
                          className="labelled"
                          data-label={entry.type === 'cid' ? 'Confirmation ID' : undefined}
                        >
                          <Outcome entry={entry} />
                        </td>
                        <td className="actions-cell">
                          {entry.type === 'cid' && (
                            <button
                              type="button"
                              className="icon-button"
                              aria-label={`Copy the Confirmation ID of ${label}`}
                              title="Copy the Confirmation ID"
                              onClick={() =>
                                void copy(entry.cid, 'the Confirmation ID (48 digits)', entry.id)
                              }
                            >
                              {copied(entry.id) ? <CheckIcon className="state-ok" /> : <CopyIcon />}
                            </button>
                          )}
                          <button
                            type="button"
                            className="icon-button is-danger"
                            aria-label={`Delete the entry of ${label}`}
                            title="Delete from the history"
                            data-action="delete"
                            onClick={() => setPendingDelete(entry)}
                          >
                            <TrashIcon />
                          </button>
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          )
        )}

        {page !== null && total === 0 && shownQuery !== '' && (
          <div className="empty-state is-compact">
            <SearchIcon className="empty-mark" />
            <p>
              Search by any part of the digits of an Installation ID or a Confirmation ID, or by a
              date written as YYYY-MM-DD, such as 2025-03-14.
            </p>
          </div>
        )}

        {entries.length < total && (
          <div className="history-foot">
            <button
              type="button"
              className="button"
              onClick={() => void showMore()}
              disabled={loadingMore}
            >
              {loadingMore
                ? 'Reading…'
                : `Show ${Math.min(HISTORY_PAGE_SIZE, total - entries.length)} more`}
            </button>
          </div>
        )}
      </section>

      {pendingDelete && (
        <ConfirmDialog
          title="Delete this entry?"
          tone="danger"
          confirmLabel="Delete"
          onClose={() => setPendingDelete(null)}
          onConfirm={() => void remove(pendingDelete)}
        >
          {pendingDelete.type === 'cid' ? (
            <>
              <p>
                CID Desk will no longer know the Confirmation ID it obtained on{' '}
                {formatWhen(pendingDelete.at)} for this Installation ID:
              </p>
              <p className="mono confirm-subject">{groupedIid(pendingDelete.iid)}</p>
              {pendingDelete.source === 'simulator' ? (
                <p>It is a demo Confirmation ID, made up by the built-in simulator.</p>
              ) : (
                <p>
                  <strong>Asking for it again would use another activation</strong> of the product
                  key. Copy the Confirmation ID first if you may still need it.
                </p>
              )}
            </>
          ) : (
            <p>
              The entry of {formatWhen(pendingDelete.at)} is removed from the history. This doesn't
              change anything at Microsoft.
            </p>
          )}
        </ConfirmDialog>
      )}
    </div>
  );
}
