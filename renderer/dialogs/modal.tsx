/**
 * A modal built on the native <dialog>: the rest of the window is inert while it is open,
 * Escape closes it, Tab stays inside, and focus goes back where it was when it closes.
 */
import { useId, useLayoutEffect, useRef, type KeyboardEvent, type ReactNode } from 'react';
import { CloseIcon } from '../common/icons';

export interface ModalProps {
  title: string;
  /** A line under the title. */
  subtitle?: ReactNode;
  onClose(): void;
  children: ReactNode;
  /** Controls under the title that stay put while the body scrolls, such as a search field. */
  toolbar?: ReactNode;
  /** Buttons at the bottom; the dialog gets a Close button when there are none. */
  footer?: ReactNode;
  wide?: boolean;
  /** The id of the text a screen reader reads with the title, such as a confirmation's warning. */
  describedBy?: string;
}

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), summary, [tabindex]:not([tabindex="-1"])';

function focusables(root: HTMLElement): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>(FOCUSABLE)].filter(
    (element) => !element.closest('[hidden]'),
  );
}

/** A modal dialog; render it to open it and unmount it to close it. */
export function Modal({
  title,
  subtitle,
  onClose,
  children,
  toolbar,
  footer,
  wide,
  describedBy,
}: ModalProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();

  useLayoutEffect(() => {
    const dialog = ref.current!;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!dialog.open) dialog.showModal();
    const first =
      dialog.querySelector<HTMLElement>('[data-autofocus]') ?? focusables(dialog)[0] ?? dialog;
    first.focus();
    return () => {
      if (dialog.open) dialog.close();
      if (opener?.isConnected) opener.focus();
    };
  }, []);

  function onKeyDown(event: KeyboardEvent<HTMLDialogElement>) {
    if (event.key === 'Escape') {
      event.preventDefault();
      onClose();
      return;
    }
    if (event.key !== 'Tab') return;
    const items = focusables(event.currentTarget);
    const first = items[0];
    const last = items[items.length - 1];
    if (!first || !last) return;
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  }

  return (
    <dialog
      ref={ref}
      className={wide ? 'modal is-wide' : 'modal'}
      aria-labelledby={titleId}
      aria-describedby={describedBy}
      onKeyDown={onKeyDown}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
    >
      <div className="modal-head">
        <div>
          <h2 id={titleId} className="modal-title">
            {title}
          </h2>
          {subtitle && <p className="modal-subtitle">{subtitle}</p>}
        </div>
        <button type="button" className="icon-button" aria-label="Close" onClick={onClose}>
          <CloseIcon />
        </button>
      </div>
      {toolbar && <div className="modal-toolbar">{toolbar}</div>}
      <div className="modal-body">{children}</div>
      <div className="modal-foot">
        {footer ?? (
          <button type="button" className="button" onClick={onClose}>
            Close
          </button>
        )}
      </div>
    </dialog>
  );
}
