/** A question before something that costs an activation or forgets a CID: Cancel is the default. */
import { useId, useRef, type ReactNode } from 'react';
import { Modal } from './modal';

export interface ConfirmDialogProps {
  title: string;
  children: ReactNode;
  /** Says what happens, such as "Ask again and use an activation". */
  confirmLabel: string;
  /** 'danger' for what cannot be undone, such as deleting from the history. */
  tone?: 'primary' | 'danger';
  onConfirm(): void;
  onClose(): void;
}

/** A modal with Cancel (focused first, so Enter never confirms by accident) and one confirm button. */
export function ConfirmDialog({
  title,
  children,
  confirmLabel,
  tone = 'primary',
  onConfirm,
  onClose,
}: ConfirmDialogProps) {
  // A double click lands twice before the dialog unmounts: only the first one counts.
  const confirmed = useRef(false);
  const bodyId = useId();

  return (
    <Modal
      title={title}
      describedBy={bodyId}
      onClose={onClose}
      footer={
        <>
          <button type="button" className="button" onClick={onClose} data-autofocus>
            Cancel
          </button>
          <button
            type="button"
            className={`button ${tone}`}
            onClick={() => {
              if (confirmed.current) return;
              confirmed.current = true;
              onConfirm();
            }}
          >
            {confirmLabel}
          </button>
        </>
      }
    >
      <div className="confirm-body" id={bodyId}>
        {children}
      </div>
    </Modal>
  );
}
