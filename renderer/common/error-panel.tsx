/** Explains a failed request: what happened, what to do next, and whether phone activation helps. */
import { useId, useState, type ReactNode, type Ref } from 'react';
import { describeErrorCode, type PhoneActivation } from '../../shared/error-catalog';
import { mayHaveUsedActivation, type CidDeskError, type NetworkCause } from '../../shared/errors';
import { BookIcon, CheckIcon, CopyIcon, ErrorIcon, PhoneIcon, WarningIcon } from './icons';
import { ConfirmDialog } from '../dialogs/confirm-dialog';
import { groupedIid } from '../activate/iid-fields';
import { useCopy } from './use-copy';

/** The catalogue's advice repeats this; the panel says it once, in its own box. */
const PHONE_SENTENCE =
  /\s*Run "slui 4" on the machine you are activating and call the number it shows: Microsoft can issue a Confirmation ID by phone to the owner of a genuine key\./;

export interface ErrorView {
  /** A short line above the title: the family of the problem. */
  eyebrow: string;
  title: string;
  explanation: string;
  advice: string;
  /** For the service's codes: whether Microsoft's phone activation may still help. */
  phone: PhoneActivation | null;
}

const CAUSES: Record<NetworkCause, string> = {
  offline: 'no network connection',
  dns: "the server's name could not be looked up (DNS)",
  refused: 'the connection was refused',
  reset: 'the connection was dropped',
  tls: 'the secure connection failed (TLS, possibly intercepted)',
  proxy: 'the proxy failed',
  'proxy-auth': 'the proxy asks for authentication',
  timeout: 'no answer in time',
  cancelled: 'cancelled',
  other: 'a network error',
};

/** The cause of a network failure in words, such as "the connection was refused". */
export function causeText(cause: NetworkCause | undefined): string {
  return CAUSES[cause ?? 'other'];
}

/** Turns an error value into the words the panel shows; `demo` names the simulator instead of Microsoft. */
export function describeError(error: CidDeskError, demo = false): ErrorView {
  const service = demo ? 'the demo simulator' : 'Microsoft';
  const Service = demo ? 'The demo simulator' : 'Microsoft';
  const plain = { explanation: error.message, advice: error.advice, phone: null };
  switch (error.kind) {
    case 'service': {
      if (error.code === null) {
        return { ...plain, eyebrow: `${Service} refused the request`, title: 'Request refused' };
      }
      const info = describeErrorCode(error.code);
      return {
        eyebrow: `${Service} refused the request · code ${info.code}`,
        title: info.title,
        explanation: info.explanation,
        advice: error.advice || info.advice,
        phone: info.phoneActivation,
      };
    }
    case 'network': {
      const cause = causeText(error.cause);
      const eyebrow = `Network problem · ${cause.charAt(0).toUpperCase()}${cause.slice(1)}`;
      if (error.cause === 'timeout') {
        return { ...plain, eyebrow, title: `${Service} didn't answer in time` };
      }
      if (error.cause === 'cancelled') return { ...plain, eyebrow, title: 'Request cancelled' };
      if (error.mayHaveReachedService) {
        // The connection was made and then lost: "couldn't reach" would contradict the warning.
        return { ...plain, eyebrow, title: `The connection to ${service} was cut off` };
      }
      return { ...plain, eyebrow, title: `Couldn't reach ${service}` };
    }
    case 'unexpected-response':
      return {
        ...plain,
        eyebrow: 'Unexpected answer',
        title: "The service isn't answering properly",
      };
    case 'invalid-input':
      return { ...plain, eyebrow: 'Check the ID', title: "The Installation ID isn't valid" };
    case 'storage':
      return {
        ...plain,
        eyebrow: error.mayHaveReachedService
          ? 'History problem'
          : 'History problem · nothing was sent',
        title: "CID Desk can't use its history",
      };
  }
}

/** The plain-text report behind "Details for support"; `label` names what `subject` is. */
export function supportDetails(
  error: CidDeskError,
  subject: string,
  label = 'Installation ID',
): string {
  const lines = [
    `Kind: ${error.kind}`,
    `Code: ${error.code ?? 'none'}`,
    ...(error.cause ? [`Cause: ${error.cause}`] : []),
    `May have reached the service: ${error.mayHaveReachedService ? 'yes' : 'no'}`,
    ...(error.badGroups?.length ? [`Bad groups: ${error.badGroups.join(', ')}`] : []),
    `${label}: ${subject}`,
    `Message: ${error.message}`,
    `Advice: ${error.advice}`,
  ];
  if (error.detail) lines.push('', 'Detail:', error.detail);
  return lines.join('\n');
}

/**
 * What trying again risks, by what ended the last request. One cancelled after it was sent goes on
 * in main, which keeps the Confirmation ID it brings: a retry is then answered from the history.
 */
function retryWarning(error: CidDeskError, service: string): ReactNode {
  if (error.kind === 'network' && error.cause === 'cancelled') {
    return (
      <>
        <p>
          The request was cancelled after it had been sent to {service}, so an activation may have
          been used for it. CID Desk goes on waiting for its answer in the background and keeps any
          Confirmation ID it brings in the history.
        </p>
        <p>
          If that answer brings a Confirmation ID, trying again shows it from the history without
          using another activation.{' '}
          <strong>
            If it brings none, trying again sends a new request, which may use another activation of
            the product key.
          </strong>
        </p>
      </>
    );
  }
  return (
    <>
      <p>
        The last request may have reached {service} before it failed, so an activation may already
        have been used for it.
      </p>
      <p>
        <strong>Trying again may use another activation of the product key.</strong> If you can,
        wait a few minutes first: a Confirmation ID issued in the meantime is not lost to you, but
        CID Desk cannot know about it.
      </p>
    </>
  );
}

export interface ErrorPanelProps {
  error: CidDeskError;
  /** The IID that was sent. */
  iid: string;
  /** Set instead of `iid` when the failed request asked for the remaining activations of this PID. */
  pid?: string;
  demo: boolean;
  /** Replaces the usual title, for failures that happen inside the window itself. */
  title?: string;
  /**
   * False for a request that never uses an activation, such as checking the remaining count: the
   * panel then warns about none and tries again without asking. True when left out.
   */
  costsActivation?: boolean;
  onRetry(): void;
  onEdit(): void;
  onShowReference(code: string | null): void;
  headingRef?: Ref<HTMLHeadingElement>;
}

/** The error screen. */
export function ErrorPanel({
  error,
  iid,
  pid,
  demo,
  title,
  costsActivation = true,
  onRetry,
  onEdit,
  onShowReference,
  headingRef,
}: ErrorPanelProps) {
  const view = describeError(error, demo);
  const service = demo ? 'the simulator' : 'Microsoft';
  const { feedback, copy } = useCopy();
  // A retry that may spend a second activation is asked for twice, never sent on one click.
  const risky = costsActivation && mayHaveUsedActivation(error);
  const [confirming, setConfirming] = useState(false);
  const headingId = useId();
  const details =
    pid === undefined ? supportDetails(error, iid) : supportDetails(error, pid, 'Extended PID');
  const advice =
    view.phone === 'maybe' ? view.advice.replace(PHONE_SENTENCE, '').trim() : view.advice;

  return (
    <section className="card error-panel" aria-labelledby={headingId}>
      <div className="error-head">
        <ErrorIcon className="error-mark" />
        <div>
          <p className="eyebrow">
            {view.eyebrow}
            {demo && <span className="badge is-demo">Demo answer</span>}
          </p>
          <h1 id={headingId} className="card-title" tabIndex={-1} ref={headingRef}>
            {title ?? view.title}
          </h1>
        </div>
      </div>

      <p className="error-explanation">{view.explanation}</p>
      <h2 className="section-title">What to do</h2>
      {advice && <p className="error-advice">{advice}</p>}
      {view.phone === 'maybe' && (
        <p className="callout is-phone">
          <PhoneIcon />
          <span>
            <strong>Phone activation may help:</strong> run <code>slui 4</code> on the machine
            you're activating and call the number it shows. Microsoft can issue a Confirmation ID by
            phone to the owner of a genuine key.
          </span>
        </p>
      )}
      {view.phone === 'no' && (
        <p className="callout is-neutral">
          <PhoneIcon />
          <span>
            <strong>Phone activation won't help for this code.</strong>
          </span>
        </p>
      )}
      {risky && (
        <p className="callout is-warning">
          <WarningIcon />
          <span>
            The request may have reached the service, so an activation may have been used. Trying
            again may use another one.
          </span>
        </p>
      )}

      <p className="for-iid">
        {pid === undefined ? 'Installation ID' : 'Extended PID'}{' '}
        <span className="mono">{pid ?? groupedIid(iid)}</span>
      </p>

      <details className="support">
        <summary>Details for support</summary>
        <pre className="support-text" tabIndex={0} aria-label="Details for support">
          {details}
        </pre>
        <div className="support-actions">
          <button
            type="button"
            className="button small"
            onClick={() => void copy(details, 'the details', 'details')}
          >
            {feedback?.ok ? <CheckIcon /> : <CopyIcon />}
            Copy details
          </button>
          <p
            className={`copy-feedback${feedback && !feedback.ok ? ' is-error' : ''}`}
            role="status"
          >
            {feedback?.message}
          </p>
        </div>
      </details>

      <div className="error-actions">
        {error.kind !== 'invalid-input' && (
          <button
            type="button"
            className={`button${risky ? '' : ' primary'}`}
            onClick={() => (risky ? setConfirming(true) : onRetry())}
          >
            {risky ? 'Try again…' : 'Try again'}
          </button>
        )}
        <button
          type="button"
          className={`button${error.kind === 'invalid-input' || risky ? ' primary' : ''}`}
          onClick={onEdit}
        >
          {pid === undefined ? 'Edit ID' : 'Edit PID'}
        </button>
        <button
          type="button"
          className="button link"
          onClick={() => onShowReference(error.kind === 'service' ? error.code : null)}
        >
          <BookIcon />
          {error.kind === 'service' ? 'Look it up in the error codes' : 'All error codes'}
        </button>
      </div>

      {confirming && (
        <ConfirmDialog
          title={`Ask ${service} again?`}
          confirmLabel="Try again"
          onClose={() => setConfirming(false)}
          onConfirm={() => {
            setConfirming(false);
            onRetry();
          }}
        >
          {retryWarning(error, service)}
        </ConfirmDialog>
      )}
    </section>
  );
}

export interface ErrorCalloutProps {
  /** What failed, such as "The history couldn't be read". */
  title: string;
  error: CidDeskError;
  /** A button to try again, for example. */
  action?: ReactNode;
}

/** A failure inside a view that stays usable: what failed, why, and what to do, in one box. */
export function ErrorCallout({ title, error, action }: ErrorCalloutProps) {
  return (
    <div className="callout is-error" role="alert">
      <ErrorIcon />
      <div className="callout-body">
        <p className="callout-title">{title}</p>
        <p>{error.message}</p>
        {error.advice && <p>{error.advice}</p>}
        {action && <div className="callout-actions">{action}</div>}
      </div>
    </div>
  );
}
