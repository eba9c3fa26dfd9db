/** Settings: the Extended PID to send, how long to wait, and demo mode. */
import { useId, useRef, useState, type FormEvent } from 'react';
import { DEFAULT_PID, parsePid } from '../../shared/pid';
import { checkSettings, TIMEOUT_RANGE, type Settings } from '../../shared/settings';
import { useEnvironment } from '../common/api';
import { ErrorIcon } from '../common/icons';
import { Modal } from './modal';

export interface SettingsDialogProps {
  /**
   * Null while main has not answered yet: the dialog waits for them rather than start from the
   * defaults, which saving would store over the Extended PID and timeout on record.
   */
  settings: Settings | null;
  onSaved(settings: Settings): void;
  onClose(): void;
}

type Problems = Partial<Record<keyof Settings, string>>;

const EXAMPLE_PID = '55041-00172-033-600075-03-1033-7601.0000-1412012';

function FieldError({ id, text }: { id: string; text: string | undefined }) {
  return text ? (
    <p id={id} className="field-error">
      <ErrorIcon />
      <span>{text}</span>
    </p>
  ) : null;
}

/** The settings dialog; saving goes through main, which checks everything again. */
export function SettingsDialog({ settings, onSaved, onClose }: SettingsDialogProps) {
  if (settings === null) {
    return (
      <Modal title="Settings" onClose={onClose}>
        <p className="setting-hint" role="status">
          Reading the settings…
        </p>
      </Modal>
    );
  }
  return <SettingsForm settings={settings} onSaved={onSaved} onClose={onClose} />;
}

/** The form, once the settings on record are known. */
function SettingsForm({
  settings,
  onSaved,
  onClose,
}: SettingsDialogProps & { settings: Settings }) {
  const { api } = useEnvironment();
  const id = useId();
  const formId = `${id}-form`;
  const [pidMode, setPidMode] = useState<'default' | 'own'>(settings.pid ? 'own' : 'default');
  const [pidText, setPidText] = useState(settings.pid ?? '');
  const [timeoutText, setTimeoutText] = useState(String(settings.timeoutSeconds));
  const [demoMode, setDemoMode] = useState(settings.demoMode);
  const [problems, setProblems] = useState<Problems>({});
  const [attempted, setAttempted] = useState(false);
  const [saving, setSaving] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const pidInput = useRef<HTMLInputElement>(null);
  const timeoutInput = useRef<HTMLInputElement>(null);

  // Once Save is pressed the settings may be stored whatever the window does: the dialog stays
  // until main answers, so that closing it never looks like cancelling a change that was made.
  function close() {
    if (!saving) onClose();
  }

  const parsedPid = parsePid(pidText);
  // The PID is checked as it is typed, but an empty field is only a problem once Save is pressed.
  const livePidError =
    pidMode === 'own' && (pidText.trim() !== '' || attempted) && !parsedPid.ok
      ? parsedPid.error.message
      : undefined;
  const pidError = livePidError ?? (pidMode === 'own' ? problems.pid : undefined);

  function candidate(): Settings {
    const timeout = timeoutText.trim();
    return {
      pid: pidMode === 'default' ? null : parsedPid.ok ? parsedPid.value : pidText,
      timeoutSeconds: timeout === '' ? Number.NaN : Number(timeout),
      demoMode,
    };
  }

  async function save(event: FormEvent) {
    event.preventDefault();
    if (saving) return;
    setAttempted(true);
    setFailure(null);
    const next = candidate();
    const found = checkSettings(next);
    setProblems(found);
    if (found.pid) {
      pidInput.current?.focus();
      return;
    }
    if (found.timeoutSeconds) {
      timeoutInput.current?.focus();
      return;
    }
    setSaving(true);
    try {
      const result = await api.saveSettings(next);
      if (result.ok) {
        onSaved(result.settings);
        return;
      }
      setProblems(result.problems);
    } catch {
      setFailure(
        "The settings couldn't be saved. Try again; if it keeps failing, restart CID Desk.",
      );
    } finally {
      setSaving(false);
    }
  }

  const pidHintId = `${id}-pid-hint`;
  const pidErrorId = `${id}-pid-error`;
  const timeoutHintId = `${id}-timeout-hint`;
  const timeoutErrorId = `${id}-timeout-error`;
  const demoHintId = `${id}-demo-hint`;
  const demoErrorId = `${id}-demo-error`;

  return (
    <Modal
      title="Settings"
      onClose={close}
      footer={
        <>
          <button type="button" className="button" onClick={close} disabled={saving}>
            Cancel
          </button>
          <button type="submit" form={formId} className="button primary" disabled={saving}>
            {saving ? 'Saving…' : 'Save'}
          </button>
        </>
      }
    >
      <form id={formId} className="settings" onSubmit={(event) => void save(event)} noValidate>
        <fieldset className="setting">
          <legend className="setting-title">Extended PID</legend>
          <p className="setting-hint">Sent with every request, as VAMT does.</p>
          <label className="choice">
            <input
              type="radio"
              name={`${id}-pid`}
              checked={pidMode === 'default'}
              onChange={() => setPidMode('default')}
              data-autofocus={pidMode === 'default' ? true : undefined}
            />
            <span>
              Default <code className="muted-code">{DEFAULT_PID}</code>
            </span>
          </label>
          <label className="choice">
            <input
              type="radio"
              name={`${id}-pid`}
              checked={pidMode === 'own'}
              onChange={() => setPidMode('own')}
            />
            <span>My own</span>
          </label>
          <div className="choice-detail">
            <input
              ref={pidInput}
              className={`text-input mono${pidError ? ' is-invalid' : ''}`}
              aria-label="My own Extended PID"
              aria-invalid={pidError ? true : undefined}
              aria-describedby={pidError ? `${pidErrorId} ${pidHintId}` : pidHintId}
              placeholder={EXAMPLE_PID}
              value={pidText}
              spellCheck={false}
              autoComplete="off"
              onChange={(event) => {
                setPidText(event.currentTarget.value);
                setPidMode('own');
              }}
              data-autofocus={pidMode === 'own' ? true : undefined}
            />
            <FieldError id={pidErrorId} text={pidError} />
            <p id={pidHintId} className="setting-hint">
              Format: <code className="wrap">{EXAMPLE_PID}</code>. Run <code>slmgr.vbs /dlv</code>{' '}
              on the machine you're activating and copy its &ldquo;Extended PID&rdquo; line.
            </p>
          </div>
        </fieldset>

        <div className="setting">
          <label className="setting-title" htmlFor={`${id}-timeout`}>
            Timeout
          </label>
          <div className="inline-field">
            <input
              ref={timeoutInput}
              id={`${id}-timeout`}
              className={`text-input number${problems.timeoutSeconds ? ' is-invalid' : ''}`}
              type="number"
              inputMode="numeric"
              min={TIMEOUT_RANGE.min}
              max={TIMEOUT_RANGE.max}
              step={1}
              value={timeoutText}
              aria-invalid={problems.timeoutSeconds ? true : undefined}
              aria-describedby={
                problems.timeoutSeconds ? `${timeoutErrorId} ${timeoutHintId}` : timeoutHintId
              }
              onChange={(event) => setTimeoutText(event.currentTarget.value)}
            />
            <span>seconds</span>
          </div>
          <FieldError id={timeoutErrorId} text={problems.timeoutSeconds} />
          <p id={timeoutHintId} className="setting-hint">
            How long to wait for the service before giving up: {TIMEOUT_RANGE.min} to{' '}
            {TIMEOUT_RANGE.max} seconds.
          </p>
        </div>

        <div className="setting">
          <label className="switch">
            <input
              type="checkbox"
              role="switch"
              checked={demoMode}
              aria-describedby={problems.demoMode ? `${demoErrorId} ${demoHintId}` : demoHintId}
              onChange={(event) => setDemoMode(event.currentTarget.checked)}
            />
            <span className="switch-track" aria-hidden="true" />
            <span className="setting-title">Demo mode</span>
          </label>
          <FieldError id={demoErrorId} text={problems.demoMode} />
          <p id={demoHintId} className="setting-hint">
            Answers come from a built-in simulator; no request reaches Microsoft, no activation is
            used.
          </p>
        </div>

        {failure && (
          <p className="field-error" role="alert">
            <ErrorIcon />
            <span>{failure}</span>
          </p>
        )}
      </form>
    </Modal>
  );
}
