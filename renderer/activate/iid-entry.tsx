/**
 * The nine Installation ID boxes, the form switch and the state of every group as the user types.
 */
import {
  useEffect,
  useId,
  useImperativeHandle,
  useLayoutEffect,
  useRef,
  useState,
  type ClipboardEvent,
  type FormEvent,
  type KeyboardEvent,
  type ReactNode,
  type Ref,
} from 'react';
import { isSeparator } from '../../shared/digits';
import { CheckIcon, ErrorIcon, InfoIcon } from '../common/icons';
import {
  backspaceInto,
  badGroupsMessage,
  describeFields,
  formOf,
  pasteInto,
  shortGroupsMessage,
  switchSize,
  typeInto,
  type FieldsEdit,
  type GroupSize,
  type IidFields,
  type Notice,
} from './iid-fields';

export interface IidEntryHandle {
  /** Puts the cursor at the end of box `index` (0-based). */
  focusGroup(index: number): void;
}

export interface IidEntryProps {
  fields: IidFields;
  /** A hint about the last edit (characters left out, a form switched), or null. */
  notice: Notice | null;
  onEdit(fields: IidFields, notice: Notice | null): void;
  onSubmit(iid: string): void;
  onClear(): void;
  busy: boolean;
  /** Shown in place of the buttons while a request is running. */
  progress?: ReactNode;
  handle?: Ref<IidEntryHandle>;
}

const SIZES: readonly { size: GroupSize; label: string; hint: string }[] = [
  { size: 7, label: '63 digits', hint: 'Current Windows and Office' },
  { size: 6, label: '54 digits', hint: 'Windows Vista/7, Office 2010' },
];

/** The Installation ID form: boxes, live validation, and the button that sends it. */
export function IidEntry({
  fields,
  notice,
  onEdit,
  onSubmit,
  onClear,
  busy,
  progress,
  handle,
}: IidEntryProps) {
  const id = useId();
  const inputs = useRef<(HTMLInputElement | null)[]>([]);
  const pendingFocus = useRef<{ index: number; caret: 'start' | 'end' } | null>(null);
  const status = describeFields(fields);
  // A live region reads out what changes in it, not what it holds when it appears: a notice the
  // form opens with (after demo mode was switched, say) is put in a frame after the region.
  const [regionReady, setRegionReady] = useState(false);
  useEffect(() => {
    const frame = requestAnimationFrame(() => setRegionReady(true));
    return () => cancelAnimationFrame(frame);
  }, []);

  useImperativeHandle(handle, () => ({
    focusGroup(index) {
      pendingFocus.current = { index, caret: 'end' };
      applyFocus();
    },
  }));

  function applyFocus() {
    const target = pendingFocus.current;
    if (!target) return;
    const input = inputs.current[target.index];
    if (!input) return;
    pendingFocus.current = null;
    input.focus();
    const at = target.caret === 'start' ? 0 : input.value.length;
    input.setSelectionRange(at, at);
  }

  // Focus moves after React has written the new values, so the cursor lands after the last digit.
  useLayoutEffect(applyFocus);

  function apply(edit: FieldsEdit, from: number) {
    onEdit(edit.fields, edit.notice);
    if (edit.focus !== from) pendingFocus.current = { index: edit.focus, caret: 'end' };
  }

  function moveTo(index: number, caret: 'start' | 'end') {
    pendingFocus.current = { index, caret };
    applyFocus();
  }

  function onKeyDown(index: number, event: KeyboardEvent<HTMLInputElement>) {
    const input = event.currentTarget;
    const caretStart = input.selectionStart ?? 0;
    const caretEnd = input.selectionEnd ?? 0;
    const collapsed = caretStart === caretEnd;
    if (event.key.length === 1 && isSeparator(event.key) && !event.ctrlKey && !event.metaKey) {
      event.preventDefault();
      // An empty box was just reached by auto-advance: the separator closes the group before it.
      if (!busy && input.value.length > 0 && index < 8) moveTo(index + 1, 'end');
      return;
    }
    if (event.key === 'Backspace' && !busy && input.value.length === 0 && index > 0) {
      event.preventDefault();
      apply(backspaceInto(fields, index), index);
      return;
    }
    if (event.key === 'ArrowLeft' && collapsed && caretStart === 0 && index > 0) {
      event.preventDefault();
      moveTo(index - 1, 'end');
      return;
    }
    if (event.key === 'ArrowRight' && collapsed && caretEnd === input.value.length && index < 8) {
      event.preventDefault();
      moveTo(index + 1, 'start');
    }
  }

  function onPaste(index: number, event: ClipboardEvent<HTMLInputElement>) {
    event.preventDefault();
    if (busy) return;
    const input = event.currentTarget;
    const text = event.clipboardData.getData('text');
    const edit = pasteInto(
      fields,
      index,
      input.selectionStart ?? input.value.length,
      input.selectionEnd ?? input.value.length,
      text,
    );
    onEdit(edit.fields, edit.notice);
    pendingFocus.current = { index: edit.focus, caret: 'end' };
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!busy && status.iid !== null) onSubmit(status.iid);
  }

  const messageId = `${id}-message`;
  const statusId = `${id}-status`;
  const headingId = `${id}-heading`;
  const leadId = `${id}-lead`;
  const problem =
    status.badGroups.length > 0
      ? badGroupsMessage(status.badGroups)
      : status.shortGroups.length > 0
        ? shortGroupsMessage(status.shortGroups, fields.size)
        : null;
  const form = formOf(fields.size);

  return (
    <form className="card entry" onSubmit={submit} noValidate aria-labelledby={headingId}>
      <div className="entry-head">
        <h1 id={headingId} className="card-title">
          Installation ID
        </h1>
        <fieldset className="segmented" disabled={busy}>
          <legend className="visually-hidden">Form of the Installation ID</legend>
          {SIZES.map(({ size, label, hint }) => (
            <label key={size} className="segment">
              <input
                type="radio"
                name={`${id}-form`}
                value={formOf(size)}
                checked={fields.size === size}
                onChange={() => onEdit(switchSize(fields, size), null)}
              />
              <span className="segment-label">{label}</span>
              <span className="segment-hint">{hint}</span>
            </label>
          ))}
        </fieldset>
      </div>
      <p id={leadId} className="lead">
        Type or paste it from the machine you're activating: <code>slui 4</code> or{' '}
        <code>slmgr.vbs /dti</code> shows it for Windows, <code>cscript ospp.vbs /dinstid</code> for
        Office.
      </p>

      <div
        className="iid-groups"
        role="group"
        aria-labelledby={headingId}
        aria-describedby={leadId}
      >
        {fields.groups.map((group, index) => {
          const state = status.states[index];
          const bad = state === 'bad';
          return (
            <div key={index} className={`iid-cell is-${state}`}>
              <span className="iid-cell-head" aria-hidden="true">
                <span>{index + 1}</span>
                {state === 'ok' && <CheckIcon className="state-ok" />}
                {bad && <ErrorIcon className="state-bad" />}
              </span>
              <input
                ref={(element) => {
                  inputs.current[index] = element;
                }}
                className="iid-input"
                aria-label={`Group ${index + 1} of 9`}
                aria-invalid={bad || undefined}
                aria-describedby={bad ? `${messageId} ${statusId}` : statusId}
                inputMode="numeric"
                autoComplete="off"
                autoCorrect="off"
                spellCheck={false}
                enterKeyHint="send"
                // The widest form decides the width, so switching forms does not move anything.
                size={7}
                value={group}
                readOnly={busy}
                // Sent again from a result or an error, the form comes back busy: the waiting
                // panel takes the focus then, so that waiting is what a screen reader says.
                autoFocus={index === 0 && !busy}
                onChange={(event) =>
                  apply(typeInto(fields, index, event.currentTarget.value), index)
                }
                onKeyDown={(event) => onKeyDown(index, event)}
                onPaste={(event) => onPaste(index, event)}
              />
            </div>
          );
        })}
      </div>

      <p id={statusId} className={`iid-status${status.iid ? ' is-ready' : ''}`}>
        {status.iid && <CheckIcon />}
        <span>
          {form}-digit ID · {status.digitCount} of {form} digits
          {status.iid && ' · every group checks out'}
        </span>
      </p>
      <div className="iid-message" aria-live="polite">
        {problem ? (
          <p id={messageId} className="message is-error">
            <ErrorIcon />
            <span>{problem}</span>
          </p>
        ) : notice && regionReady ? (
          <p className="message is-info">
            <InfoIcon />
            <span>{notice.text}</span>
          </p>
        ) : null}
      </div>

      <div className="entry-actions">
        {progress ?? (
          <>
            <button type="submit" className="button primary" disabled={status.iid === null}>
              Get Confirmation ID
            </button>
            <button
              type="button"
              className="button"
              onClick={onClear}
              disabled={status.digitCount === 0 && !notice}
            >
              Clear
            </button>
            <p className="shortcut-hint" aria-hidden="true">
              <kbd>Enter</kbd> to send · <kbd>Esc</kbd> to clear
            </p>
          </>
        )}
      </div>
    </form>
  );
}
