/** What main found at start that the user must know (a damaged file moved aside, for example). */
import type { AppNotice } from '../../shared/ipc';
import { CloseIcon, WarningIcon } from './icons';

export interface ShownNotice extends AppNotice {
  /** Stable while the list shrinks, for React and for moving the focus. */
  key: number;
}

export interface NoticeBannersProps {
  notices: readonly ShownNotice[];
  onDismiss(key: number): void;
}

/** One warning banner per notice, each kept until the user dismisses it. */
export function NoticeBanners({ notices, onDismiss }: NoticeBannersProps) {
  if (notices.length === 0) return null;
  return (
    <section className="notices" aria-label="Notices">
      {notices.map((notice) => (
        <div key={notice.key} className="callout is-warning notice" role="alert">
          <WarningIcon />
          <div className="callout-body">
            <p className="callout-title">{notice.title}</p>
            <p>{notice.message}</p>
            {notice.advice && <p className="notice-advice">{notice.advice}</p>}
          </div>
          <button
            type="button"
            className="icon-button"
            aria-label={`Dismiss: ${notice.title}`}
            title="Dismiss"
            data-notice={notice.key}
            onClick={() => onDismiss(notice.key)}
          >
            <CloseIcon />
          </button>
        </div>
      ))}
    </section>
  );
}
