/**
 * Batch mode: find every Installation ID in pasted text or a file, ask for all their Confirmation
 * IDs after one confirmation, follow each row as it goes, then copy or export the results.
 */
import {
  memo,
  useCallback,
  useDeferredValue,
  useEffect,
  useId,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import type { BatchProgress, BatchSummary } from '../../shared/batch';
import { BATCH_MAX_IIDS } from '../../shared/batch';
import type { CidDeskError } from '../../shared/errors';
import { scanIids } from '../../shared/iid-scan';
import type { BatchResult } from '../../shared/ipc';
import { noAnswerError, RETRY_ADVICE, useEnvironment } from '../common/api';
import { SavedMessage, useCsvExport } from '../common/csv-export';
import {
  applyProgress,
  countRows,
  countUnsaved,
  isDemoRow,
  resultsTsv,
  rowStatus,
  runIsDemo,
  startRun,
  summaryLine,
  unsavedMessage,
  type BatchRowView,
  type BatchRun,
} from './batch-rows';
import { ConfirmDialog } from '../dialogs/confirm-dialog';
import { ErrorCallout } from '../common/error-panel';
import { formatCount, plural } from '../common/format';
import {
  CheckIcon,
  CopyIcon,
  DownloadIcon,
  ErrorIcon,
  FolderIcon,
  HistoryIcon,
  InfoIcon,
  WarningIcon,
} from '../common/icons';
import { CidText, IidText } from '../common/id-text';
import { useCopy } from '../common/use-copy';

export interface BatchViewProps {
  active: boolean;
  demo: boolean;
  announce(text: string): void;
  /** Told when a batch starts and ends, so the tab can show that one is running. */
  onRunningChange(running: boolean): void;
  /** Told when a batch ends: its rows are in the history now. */
  onHistoryChanged(): void;
}

/** Progress events are drawn at most this often: a batch answered from history finishes in a burst. */
const DRAW_EVERY_MS = 50;
/** Invalid candidates listed before "and N more". */
const INVALID_SHOWN = 50;

interface RowProps {
  index: number;
  row: BatchRowView;
  /** Who answered the run as a whole, for rows that do not say so themselves. */
  runDemo: boolean;
  copied: boolean;
  onCopy(index: number, cid: string, demo: boolean): void;
}

const ResultRow = memo(function ResultRow({ index, row, runDemo, copied, onCopy }: RowProps) {
  const status = rowStatus(row);
  const demo = isDemoRow(row, runDemo);
  const cid = row.outcome?.ok ? row.outcome.cid : null;
  return (
    <tr className={`is-${status.tone}`}>
      <td className="index-cell">{index + 1}</td>
      <td className="labelled" data-label="Installation ID">
        <IidText digits={row.iid} />
      </td>
      <td className="status-cell">
        <span className={`row-status is-${status.tone}`}>
          {status.tone === 'running' && <span className="spinner is-small" aria-hidden="true" />}
          {status.tone === 'ok' && <CheckIcon />}
          {status.tone === 'unsaved' && <WarningIcon />}
          {status.tone === 'history' && <HistoryIcon />}
          {status.tone === 'error' && <ErrorIcon />}
          {status.label}
        </span>
        {/* Marked by the row's own answer: the demo setting may have changed since. */}
        {demo && <span className="badge is-demo">demo</span>}
      </td>
      <td className="labelled" data-label={cid !== null ? 'Confirmation ID' : undefined}>
        {cid !== null ? (
          <>
            <CidText digits={cid} />
            {status.tone === 'unsaved' && status.detail && (
              <span className="unsaved-note">
                <WarningIcon />
                <span>{status.detail}</span>
              </span>
            )}
          </>
        ) : status.detail ? (
          <span className="row-detail">
            {status.detail}
            {status.mayHaveUsedActivation && (
              <span className="spent-note">
                <WarningIcon />
                An activation may have been used
              </span>
            )}
          </span>
        ) : null}
      </td>
      <td className="actions-cell">
        {cid !== null && (
          <button
            type="button"
            className="icon-button"
            aria-label={`Copy the Confirmation ID of row ${index + 1}`}
            title="Copy the Confirmation ID"
            onClick={() => onCopy(index, cid, demo)}
          >
            {copied ? <CheckIcon className="state-ok" /> : <CopyIcon />}
          </button>
        )}
      </td>
    </tr>
  );
});

function Tally({
  value,
  label,
  hint,
  tone,
}: {
  value: number;
  label: string;
  hint?: string;
  tone: string;
}) {
  return (
    <div className={`tally is-${tone}`}>
      <span className="tally-value">{formatCount(value)}</span>
      <span className="tally-label">{label}</span>
      {hint && <span className="tally-hint">{hint}</span>}
    </div>
  );
}

/** The Batch view. */
export function BatchView({
  active,
  demo,
  announce,
  onRunningChange,
  onHistoryChanged,
}: BatchViewProps) {
  const { api } = useEnvironment();
  const { feedback, copy } = useCopy();
  const id = useId();
  const [text, setText] = useState('');
  const [file, setFile] = useState<{ name: string; text: string } | null>(null);
  const [opening, setOpening] = useState(false);
  const [problem, setProblem] = useState<{ title: string; error: CidDeskError } | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [confirmingDiscard, setConfirmingDiscard] = useState(false);
  const [run, setRunState] = useState<BatchRun | null>(null);
  const [summary, setSummary] = useState<BatchSummary | null>(null);
  const [runError, setRunError] = useState<CidDeskError | null>(null);
  const [cancelling, setCancelling] = useState(false);
  const csv = useCsvExport({
    failureTitle: "The results couldn't be exported",
    onError: (title, error) => setProblem({ title, error }),
    announce,
  });
  const [showFound, setShowFound] = useState(false);

  // The only thing that stops a second runBatch, even if two clicks land before React re-renders.
  const sending = useRef(false);
  const currentBatch = useRef<string | null>(null);
  // The run as last drawn, kept here too so that the end of send() reads its final rows at once.
  const runRef = useRef<BatchRun | null>(null);
  const setRun = useCallback((next: BatchRun | null) => {
    runRef.current = next;
    setRunState(next);
  }, []);
  const pending = useRef<BatchProgress[]>([]);
  const drawTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const textarea = useRef<HTMLTextAreaElement>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const focusNext = useRef<'heading' | 'text' | null>(null);

  const scannedText = useDeferredValue(text);
  const scan = useMemo(() => scanIids(scannedText), [scannedText]);
  const scanning = scannedText !== text;
  const found = scan.found.length;
  const tooMany = found > BATCH_MAX_IIDS;

  const draw = useCallback(() => {
    clearTimeout(drawTimer.current);
    drawTimer.current = undefined;
    const events = pending.current;
    if (events.length === 0) return;
    pending.current = [];
    const current = runRef.current;
    if (current !== null) setRun(applyProgress(current, events));
  }, [setRun]);

  useEffect(() => {
    const unsubscribe = api.onBatchProgress((event) => {
      if (event.batchId !== currentBatch.current) return;
      pending.current.push(event);
      drawTimer.current ??= setTimeout(draw, DRAW_EVERY_MS);
    });
    return () => {
      unsubscribe();
      clearTimeout(drawTimer.current);
      drawTimer.current = undefined;
    };
  }, [api, draw]);

  useLayoutEffect(() => {
    const target = focusNext.current;
    if (target === null) return;
    focusNext.current = null;
    if (target === 'heading') {
      heading.current?.focus();
      return;
    }
    const field = textarea.current;
    if (!field) return;
    // The text starts at its first line, whatever its length.
    field.focus();
    field.setSelectionRange(0, 0);
    field.scrollTop = 0;
  });

  async function openFile() {
    if (opening) return;
    setOpening(true);
    setProblem(null);
    try {
      const answer = await api.openBatchFile({});
      if (!answer.ok) setProblem({ title: "The file couldn't be opened", error: answer.error });
      else if (answer.file !== null) {
        setFile(answer.file);
        setText(answer.file.text);
        announce(`Opened ${answer.file.name}`);
        focusNext.current = 'text';
      }
    } catch (cause) {
      setProblem({
        title: "The file couldn't be opened",
        error: noAnswerError(cause, RETRY_ADVICE),
      });
    } finally {
      setOpening(false);
    }
  }

  async function send() {
    setConfirming(false);
    if (sending.current || found === 0 || tooMany || scanning) return;
    sending.current = true;
    const batchId = crypto.randomUUID();
    const iids = scan.found.map((iid) => iid.digits);
    currentBatch.current = batchId;
    pending.current = [];
    // The run remembers the mode it was started in: the setting may be switched while it runs.
    const startedDemo = demo;
    setRun(startRun(batchId, iids, startedDemo));
    setSummary(null);
    setRunError(null);
    csv.forget();
    setProblem(null);
    setCancelling(false);
    focusNext.current = 'heading';
    onRunningChange(true);
    announce(`Batch started: ${plural(iids.length, 'Installation ID')}`);
    let answer: BatchResult;
    try {
      answer = await api.runBatch({ batchId, iids, force: false });
    } catch (cause) {
      answer = {
        ok: false,
        error: noAnswerError(
          cause,
          'The batch may have run in part. Look in the History before running it again; Installation IDs already answered will come from there, at no cost.',
        ),
      };
    } finally {
      onRunningChange(false);
      onHistoryChanged();
    }
    // Every event main sent before its answer has arrived by now: draw them before the summary.
    draw();
    setCancelling(false);
    const finished = runRef.current?.batchId === batchId ? runRef.current : null;
    const unsaved = finished ? countUnsaved(finished.rows) : 0;
    const runDemo = finished ? runIsDemo(finished) : startedDemo;
    const warning =
      unsaved > 0 ? unsavedMessage(unsaved, { demo: runDemo, canExport: answer.ok }) : null;
    const loss = warning ? ` ${warning.title} ${warning.advice}` : '';
    if (answer.ok) {
      setSummary(answer.summary);
      announce(
        `${runDemo ? 'Demo batch' : 'Batch'} finished: ${summaryLine(answer.summary, unsaved)}.${loss}`,
      );
    } else {
      setRunError(answer.error);
      announce(`The batch stopped with an error.${loss}`);
    }
  }

  function cancel() {
    const batchId = currentBatch.current;
    if (batchId === null || cancelling || !sending.current) return;
    setCancelling(true);
    announce('Cancelling the batch');
    // runBatch settles with what was done; a failed cancel just lets the batch run on.
    api.cancelBatch({ batchId }).catch(() => undefined);
  }

  /** New batch: asks first when the results hold CIDs that exist nowhere else. */
  function askNewBatch() {
    if (run !== null && countUnsaved(run.rows) > 0) setConfirmingDiscard(true);
    else newBatch();
  }

  function newBatch() {
    setConfirmingDiscard(false);
    if (sending.current && summary === null && runError === null) return;
    sending.current = false;
    currentBatch.current = null;
    pending.current = [];
    setRun(null);
    setSummary(null);
    setRunError(null);
    csv.forget();
    setText('');
    setFile(null);
    focusNext.current = 'text';
  }

  function exportCsv() {
    const batchId = currentBatch.current;
    if (batchId === null) return;
    setProblem(null);
    void csv.run(() => api.exportBatch({ batchId }));
  }

  const copyRow = useCallback(
    (index: number, cid: string, demoCid: boolean) =>
      void copy(
        cid,
        `the ${demoCid ? 'demo ' : ''}Confirmation ID of row ${index + 1}`,
        `row-${index}`,
      ),
    [copy],
  );

  const finishedRun = summary !== null || runError !== null;
  const running = run !== null && !finishedRun;
  const counts = summary ?? (run ? countRows(run.rows) : null);
  // Who answered this run, not what the setting says now: it may have been switched since.
  const runDemo = run ? runIsDemo(run) : demo;
  const unsaved = run ? countUnsaved(run.rows) : 0;
  const unsavedWarning =
    unsaved > 0 ? unsavedMessage(unsaved, { demo: runDemo, canExport: runError === null }) : null;
  const textId = `${id}-text`;
  const scanId = `${id}-scan`;
  const copiedSource = feedback?.ok ? feedback.source : null;

  const scanMessage =
    text.trim() === ''
      ? 'Paste text above or open a file: every Installation ID in it is found.'
      : [
          found === 0 ? 'No Installation ID found' : `${plural(found, 'Installation ID')} found`,
          ...(scan.duplicates > 0 ? [`${plural(scan.duplicates, 'duplicate')} dropped`] : []),
          ...(scan.invalid.length > 0 ? [`${formatCount(scan.invalid.length)} invalid`] : []),
        ].join(' · ');

  const service = runDemo ? 'the demo simulator' : 'Microsoft';

  return (
    <div className="view" data-view="batch" hidden={!active}>
      <section className="card batch" aria-labelledby={`${id}-heading`}>
        <div className="view-head">
          <div>
            <h1 id={`${id}-heading`} className="card-title" tabIndex={-1} ref={heading}>
              Batch
            </h1>
            <p className="lead">
              {run === null
                ? 'Get the Confirmation IDs of many Installation IDs at once. Paste text that holds them (an e-mail, a list, a CSV export) or open a file.'
                : running
                  ? `Asking ${service} for ${plural(run.total, 'Confirmation ID')}…`
                  : `${plural(run.total, 'Installation ID')} in this batch.`}
            </p>
          </div>
          {run === null ? (
            <button
              type="button"
              className="button"
              onClick={() => void openFile()}
              disabled={opening}
            >
              <FolderIcon />
              {opening ? 'Opening…' : 'Open file…'}
            </button>
          ) : running ? (
            <button type="button" className="button" onClick={cancel} disabled={cancelling}>
              {cancelling ? 'Cancelling…' : 'Cancel'}
            </button>
          ) : (
            <button type="button" className="button" onClick={askNewBatch}>
              New batch
            </button>
          )}
        </div>

        {problem && <ErrorCallout title={problem.title} error={problem.error} />}

        {run === null ? (
          <>
            <div className="batch-input">
              <div className="field-head">
                <label htmlFor={textId} className="field-label">
                  Text with Installation IDs
                </label>
                {file && file.text === text && (
                  <span className="file-chip">
                    <FolderIcon />
                    {file.name}
                  </span>
                )}
              </div>
              <textarea
                id={textId}
                ref={textarea}
                className="text-input batch-text"
                rows={10}
                value={text}
                spellCheck={false}
                autoComplete="off"
                placeholder={
                  'For example:\n1. 7221196 9197040 4081693 7404096 2814372 3123533 5227555 2274724 7236561\n2. 005950-994222-211946-…'
                }
                aria-describedby={scanId}
                onChange={(event) => setText(event.currentTarget.value)}
              />
            </div>

            <div id={scanId} className="scan" aria-live="polite">
              <p className={`scan-line${found > 0 && !tooMany ? ' is-found' : ''}`}>
                {found > 0 && !tooMany && <CheckIcon />}
                <span>{scanning ? 'Looking for Installation IDs…' : scanMessage}</span>
              </p>
              {tooMany && (
                <p className="message is-error">
                  <ErrorIcon />
                  <span>
                    A batch takes at most {formatCount(BATCH_MAX_IIDS)} Installation IDs, and this
                    text holds {formatCount(found)}. Split it into smaller batches.
                  </span>
                </p>
              )}
            </div>

            {scan.invalid.length > 0 && (
              <div className="invalid-list">
                <h2 className="section-title">
                  {scan.invalid.length === 1
                    ? 'Not a valid Installation ID (it will not be sent)'
                    : 'Not valid Installation IDs (they will not be sent)'}
                </h2>
                <ul>
                  {scan.invalid.slice(0, INVALID_SHOWN).map((item) => (
                    <li key={`${item.start}`}>
                      <span className="line-chip">Line {item.line}</span>
                      <span className="invalid-body">
                        <span className="mono invalid-text">{item.text}</span>
                        <span className="invalid-reason">{item.reason}</span>
                      </span>
                    </li>
                  ))}
                </ul>
                {scan.invalid.length > INVALID_SHOWN && (
                  <p className="setting-hint">
                    and {formatCount(scan.invalid.length - INVALID_SHOWN)} more
                  </p>
                )}
              </div>
            )}

            {found > 0 && !tooMany && (
              <details
                className="found-list"
                onToggle={(event) => setShowFound(event.currentTarget.open)}
              >
                <summary>Show the {plural(found, 'Installation ID')} found</summary>
                {/* Thousands of rows cost time on every keystroke: drawn only while open. */}
                {showFound && (
                  <ol aria-label="Installation IDs found">
                    {scan.found.map((item) => (
                      <li key={item.digits}>
                        <span className="line-chip">Line {item.line}</span>
                        <span className="mono iid-text">{item.groups.join(' ')}</span>
                      </li>
                    ))}
                  </ol>
                )}
              </details>
            )}

            <div className="entry-actions">
              <button
                type="button"
                className="button primary"
                disabled={found === 0 || tooMany || scanning}
                onClick={() => setConfirming(true)}
              >
                {found > 0 && !tooMany
                  ? `Get ${plural(found, 'Confirmation ID')}`
                  : 'Get Confirmation IDs'}
              </button>
              <button
                type="button"
                className="button"
                disabled={text === ''}
                onClick={() => {
                  setText('');
                  setFile(null);
                  focusNext.current = 'text';
                }}
              >
                Clear
              </button>
              <p className="batch-hint">
                Installation IDs already in the history are answered from it, at no cost.
              </p>
            </div>
          </>
        ) : (
          <>
            <div className="batch-progress">
              <div className="progress-head">
                <span id={`${id}-progress`} className="progress-label">
                  {formatCount(run.finished)} of {formatCount(run.total)} finished
                </span>
                {running && (
                  <span className="progress-state">
                    <span className="spinner is-small" aria-hidden="true" />
                    {cancelling ? 'Cancelling…' : 'Running'}
                  </span>
                )}
              </div>
              <div
                className="progress-bar"
                role="progressbar"
                aria-labelledby={`${id}-progress`}
                aria-valuemin={0}
                aria-valuemax={run.total}
                aria-valuenow={run.finished}
              >
                <span
                  className="progress-fill"
                  style={{ width: `${run.total === 0 ? 0 : (run.finished / run.total) * 100}%` }}
                />
              </div>
            </div>

            {counts && (
              <div className="tallies" role="group" aria-label="Counts">
                <Tally
                  value={counts.obtained}
                  label="Obtained"
                  hint={runDemo ? 'from the simulator' : 'one activation each'}
                  tone="ok"
                />
                <Tally
                  value={counts.fromHistory}
                  label="From history"
                  hint="no activation used"
                  tone="history"
                />
                <Tally value={counts.failed} label="Failed" tone="error" />
                <Tally
                  value={counts.cancelled}
                  label="Not sent"
                  hint="no activation used"
                  tone="not-sent"
                />
              </div>
            )}

            {/* Not a live region: the window's announcer says it, even from another view. */}
            <p className="summary-line">
              {summary && (
                <>
                  <strong>Done:</strong> {summaryLine(summary, unsaved)}
                </>
              )}
            </p>
            {runError && <ErrorCallout title="The batch stopped" error={runError} />}
            {/* Shown as soon as the first such row arrives, and said with the finished summary. */}
            {unsavedWarning && (
              <div className="callout is-warning is-urgent">
                <WarningIcon />
                <div className="callout-body">
                  <p className="callout-title">{unsavedWarning.title}</p>
                  <p>{unsavedWarning.advice}</p>
                </div>
              </div>
            )}
            {runDemo && run.rows.some((row) => row.outcome?.ok) && (
              <p className="callout is-demo">
                <InfoIcon />
                <span>
                  Demo Confirmation IDs from the built-in simulator, marked demo below. They will
                  not activate anything, and no activation was used.
                </span>
              </p>
            )}

            {finishedRun && (
              <div className="copy-row">
                <button
                  type="button"
                  className="button primary"
                  onClick={() => {
                    const results = resultsTsv(run.rows, runDemo);
                    void copy(
                      results.text,
                      results.noted
                        ? `${plural(results.count, 'result')} (Installation ID, Confirmation ID and a note, tab-separated)`
                        : `${plural(results.count, 'result')} (Installation ID and Confirmation ID, tab-separated)`,
                      'results',
                    );
                  }}
                  disabled={!run.rows.some((row) => row.outcome?.ok)}
                >
                  {copiedSource === 'results' ? <CheckIcon /> : <CopyIcon />}
                  Copy results
                </button>
                <button
                  type="button"
                  className="button"
                  onClick={exportCsv}
                  disabled={csv.exporting || summary === null}
                >
                  <DownloadIcon />
                  {csv.exporting ? 'Exporting…' : 'Export CSV…'}
                </button>
                <SavedMessage saved={csv.saved} />
              </div>
            )}
            <p
              className={`copy-feedback${feedback && !feedback.ok ? ' is-error' : ''}`}
              role="status"
            >
              {feedback?.message}
            </p>

            <div className="table-frame">
              <table className="table batch-table">
                <caption className="visually-hidden">Results, in the order of the text</caption>
                <thead>
                  <tr>
                    <th scope="col">
                      <span className="visually-hidden">Row</span>#
                    </th>
                    <th scope="col">Installation ID</th>
                    <th scope="col">Status</th>
                    <th scope="col">Confirmation ID</th>
                    <th scope="col">
                      <span className="visually-hidden">Copy</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {run.rows.map((row, index) => (
                    <ResultRow
                      key={index}
                      index={index}
                      row={row}
                      runDemo={runDemo}
                      copied={copiedSource === `row-${index}`}
                      onCopy={copyRow}
                    />
                  ))}
                </tbody>
              </table>
            </div>
          </>
        )}
      </section>

      {confirmingDiscard && unsavedWarning && (
        <ConfirmDialog
          title="Discard these results?"
          tone="danger"
          confirmLabel="Discard and start a new batch"
          onClose={() => setConfirmingDiscard(false)}
          onConfirm={newBatch}
        >
          <p>
            <strong>{unsavedWarning.title}</strong> Once these results are gone, CID Desk cannot
            show {unsaved === 1 ? 'it' : 'them'} again
            {runDemo ? '.' : ', and asking again would use another activation.'}
          </p>
          <p>
            {runError === null ? 'Copy or export' : 'Copy'} the results first if you may still need
            them.
          </p>
        </ConfirmDialog>
      )}

      {confirming && (
        <ConfirmDialog
          title={`Get ${plural(found, 'Confirmation ID')}?`}
          confirmLabel={`Get ${plural(found, 'Confirmation ID')}`}
          onClose={() => setConfirming(false)}
          onConfirm={() => void send()}
        >
          {demo ? (
            <p>
              CID Desk will ask the demo simulator for {plural(found, 'Confirmation ID')}. In demo
              mode no request reaches Microsoft and no activation is used.
            </p>
          ) : (
            <>
              <p>
                CID Desk will send up to {plural(found, 'request')} to Microsoft,{' '}
                <strong>
                  which may use up to {plural(found, 'activation')} of the product key
                </strong>
                : one for each Installation ID not yet in this computer's history.
              </p>
              <p>Installation IDs already in the history are answered from it, at no cost.</p>
            </>
          )}
        </ConfirmDialog>
      )}
    </div>
  );
}
