/** How many activations a Multiple Activation Key has left, asked from the service by Extended PID. */
import { useId, useLayoutEffect, useRef, useState, type FormEvent } from 'react';
import type { RemainingOutcome } from '../../shared/activation';
import type { CidDeskError } from '../../shared/errors';
import { parsePid } from '../../shared/pid';
import { DEFAULT_SETTINGS, type Settings } from '../../shared/settings';
import { noAnswerError, RETRY_ADVICE, useEnvironment } from '../common/api';
import { ErrorPanel } from '../common/error-panel';
import { formatCount, formatWhen } from '../common/format';
import { ErrorIcon, InfoIcon, PhoneIcon } from '../common/icons';
import { WaitingPanel } from '../activate/waiting-panel';

export interface RemainingViewProps {
  active: boolean;
  /** Null while main has not answered yet. */
  settings: Settings | null;
  announce(text: string): void;
  onHistoryChanged(): void;
  onShowReference(code: string | null): void;
}

type State =
  | { name: 'form'; notice: string | null }
  | {
      name: 'busy';
      requestId: string;
      pid: string;
      startedAt: number;
      demo: boolean;
      cancelling: boolean;
    }
  | { name: 'result'; pid: string; remaining: number; checkedAt: string; demo: boolean }
  | { name: 'error'; pid: string; error: CidDeskError; demo: boolean };

const EXAMPLE_PID = '55041-00172-033-600075-03-1033-7601.0000-1412012';

/** The count in words: "5 activations left", "1 activation left", "No activations left". */
export function remainingText(remaining: number): string {
  if (remaining < 0) return 'No count for this key';
  if (remaining === 0) return 'No activations left';
  return `${formatCount(remaining)} ${remaining === 1 ? 'activation' : 'activations'} left`;
}

/** The Remaining activations view. */
export function RemainingView({
  active,
  settings,
  announce,
  onHistoryChanged,
  onShowReference,
}: RemainingViewProps) {
  const { api } = useEnvironment();
  const id = useId();
  // Null until the user types: the PID from the settings is offered until then.
  const [typed, setTyped] = useState<string | null>(null);
  const [state, setState] = useState<State>({ name: 'form', notice: null });
  const inFlight = useRef(false);
  const input = useRef<HTMLInputElement>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const focusNext = useRef<'heading' | 'input' | null>(null);

  const demo = settings?.demoMode ?? false;
  const pidText = typed ?? settings?.pid ?? '';
  const parsed = parsePid(pidText);
  const busy = state.name === 'busy';
  const pidError = pidText.trim() !== '' && !parsed.ok ? parsed.error.message : null;

  useLayoutEffect(() => {
    const target = focusNext.current;
    if (target === null) return;
    focusNext.current = null;
    (target === 'heading' ? heading.current : input.current)?.focus();
  });

  /** Asks for the count of the PID in the field, or of `again` (the PID a failed check used). */
  async function check(event?: FormEvent, again?: string) {
    event?.preventDefault();
    const pid = again ?? (parsed.ok ? parsed.value : null);
    if (inFlight.current || pid === null) return;
    inFlight.current = true;
    const requestId = crypto.randomUUID();
    setState({ name: 'busy', requestId, pid, startedAt: Date.now(), demo, cancelling: false });
    let outcome: RemainingOutcome;
    try {
      outcome = await api.getRemaining({ requestId, pid });
    } catch (cause) {
      outcome = {
        ok: false,
        error: noAnswerError(cause, RETRY_ADVICE),
      };
    } finally {
      inFlight.current = false;
    }
    onHistoryChanged();
    if (outcome.ok) {
      setState({
        name: 'result',
        pid,
        remaining: outcome.remaining,
        checkedAt: new Date().toISOString(),
        demo,
      });
      announce(remainingText(outcome.remaining));
      focusNext.current = 'heading';
      return;
    }
    const { error } = outcome;
    // Checking uses no activation, so a check cancelled even after it was sent has cost nothing.
    if (error.kind === 'network' && error.cause === 'cancelled') {
      setState({ name: 'form', notice: 'Check cancelled.' });
      announce('Check cancelled');
      focusNext.current = 'input';
      return;
    }
    setState({ name: 'error', pid, error, demo });
    announce('The check failed');
    focusNext.current = 'heading';
  }

  function cancel() {
    if (state.name !== 'busy' || state.cancelling) return;
    setState({ ...state, cancelling: true });
    api.cancel({ requestId: state.requestId }).catch(() => undefined);
  }

  const inputId = `${id}-pid`;
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const service = demo ? 'the demo simulator' : 'Microsoft';

  return (
    <div className="view" data-view="remaining" hidden={!active}>
      <form
        className="card remaining"
        onSubmit={(event) => void check(event)}
        noValidate
        aria-labelledby={`${id}-heading`}
      >
        <h1 id={`${id}-heading`} className="card-title" tabIndex={-1}>
          Remaining activations
        </h1>
        <p className="lead">
          How many more activations a Multiple Activation Key (MAK) allows, as {service} counts
          them. Checking uses no activation.
        </p>

        <div className="pid-field">
          <label htmlFor={inputId} className="field-label">
            Extended PID
          </label>
          <input
            ref={input}
            id={inputId}
            className={`text-input mono${pidError ? ' is-invalid' : ''}`}
            value={pidText}
            placeholder={EXAMPLE_PID}
            spellCheck={false}
            autoComplete="off"
            readOnly={busy}
            aria-invalid={pidError ? true : undefined}
            aria-describedby={pidError ? `${errorId} ${hintId}` : hintId}
            onChange={(event) => {
              setTyped(event.currentTarget.value);
              if (state.name === 'form' && state.notice) setState({ name: 'form', notice: null });
            }}
          />
          {pidError && (
            <p id={errorId} className="field-error">
              <ErrorIcon />
              <span>{pidError}</span>
            </p>
          )}
          <p id={hintId} className="setting-hint">
            On the machine with the MAK installed, run <code>slmgr.vbs /dlv</code> and copy its
            &ldquo;Extended PID&rdquo; line.
          </p>
          {/* Not a live region: the window's announcer says it, once. */}
          {state.name === 'form' && state.notice && (
            <p className="message is-info">
              <InfoIcon />
              <span>{state.notice}</span>
            </p>
          )}
        </div>

        <div className="entry-actions">
          {state.name === 'busy' ? (
            <WaitingPanel
              demo={state.demo}
              startedAt={state.startedAt}
              timeoutSeconds={settings?.timeoutSeconds ?? DEFAULT_SETTINGS.timeoutSeconds}
              cancelling={state.cancelling}
              onCancel={cancel}
            />
          ) : (
            <button type="submit" className="button primary" disabled={!parsed.ok}>
              Check
            </button>
          )}
        </div>
      </form>

      {state.name === 'result' && (
        <section
          className={`card remaining-result${state.remaining > 0 ? '' : ' is-none'}`}
          aria-labelledby={`${id}-result`}
        >
          <p className="eyebrow is-plain">
            For Extended PID <span className="mono">{state.pid}</span>
            {state.demo && <span className="badge is-demo">Demo answer</span>}
          </p>
          <h2 id={`${id}-result`} className="remaining-count" tabIndex={-1} ref={heading}>
            {state.remaining > 0 ? (
              <>
                <span className="remaining-number">{formatCount(state.remaining)}</span>{' '}
                <span className="remaining-unit">
                  {state.remaining === 1 ? 'activation left' : 'activations left'}
                </span>
              </>
            ) : (
              remainingText(state.remaining)
            )}
          </h2>
          {state.remaining === 0 && (
            <>
              <p className="remaining-explanation">
                This MAK can't activate any more machines. Ask your Microsoft licensing partner or
                the Volume Licensing Service Center to raise its limit.
              </p>
              <p className="callout is-phone">
                <PhoneIcon />
                <span>
                  <strong>Phone activation may help:</strong> run <code>slui 4</code> on the machine
                  you're activating and call the number it shows.
                </span>
              </p>
            </>
          )}
          {state.remaining < 0 && (
            <p className="remaining-explanation">
              {state.demo ? 'The simulator' : 'Microsoft'} gave no count for this Extended PID.
              Counts are kept for Multiple Activation Keys: check that the Extended PID comes from a
              machine with the MAK installed.
            </p>
          )}
          {state.remaining > 0 && (
            <p className="remaining-explanation">
              Each Confirmation ID {service} issues for a new Installation ID uses one of them.
            </p>
          )}
          <p className="for-iid">Checked {formatWhen(state.checkedAt)}</p>
        </section>
      )}

      {state.name === 'error' && (
        <ErrorPanel
          error={state.error}
          iid=""
          pid={state.pid}
          demo={state.demo}
          title={state.error.kind === 'invalid-input' ? "The Extended PID isn't valid" : undefined}
          costsActivation={false}
          onRetry={() => void check(undefined, state.pid)}
          onEdit={() => {
            setState({ name: 'form', notice: null });
            focusNext.current = 'input';
          }}
          onShowReference={onShowReference}
          headingRef={heading}
        />
      )}
    </div>
  );
}
