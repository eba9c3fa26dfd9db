/** What the window shows while the service is being asked: who is asked, for how long, and a way out. */
import { useEffect, useRef, useState } from 'react';

export interface WaitingPanelProps {
  demo: boolean;
  /** When the request started, in milliseconds since the epoch. */
  startedAt: number;
  timeoutSeconds: number;
  cancelling: boolean;
  onCancel(): void;
}

/** A spinner, the name of whom we are waiting for, the seconds elapsed and a Cancel button. */
export function WaitingPanel({
  demo,
  startedAt,
  timeoutSeconds,
  cancelling,
  onCancel,
}: WaitingPanelProps) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  const seconds = Math.max(0, Math.floor((now - startedAt) / 1000));
  // Sending replaces the button that had the focus. The panel takes it (and scrolls into view in a
  // small window) without being a button: a second Enter must not cancel what the first one sent.
  const panel = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (
      panel.current?.contains(document.activeElement) === false &&
      document.activeElement === document.body
    ) {
      panel.current.focus();
    }
  }, []);

  return (
    <div className="waiting" ref={panel} tabIndex={-1}>
      <span className="spinner" aria-hidden="true" />
      <div className="waiting-text">
        <p role="status" className="waiting-title">
          {cancelling
            ? 'Cancelling the request…'
            : demo
              ? 'Asking the demo simulator…'
              : "Asking Microsoft's activation service…"}
        </p>
        <p className="waiting-meta">
          <span className="elapsed">{seconds} s</span> · gives up after {timeoutSeconds} s
        </p>
      </div>
      <button type="button" className="button" onClick={onCancel} disabled={cancelling}>
        {cancelling ? 'Cancelling…' : 'Cancel'}
      </button>
    </div>
  );
}
