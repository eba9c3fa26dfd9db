/** Every error code the service is known to return, searchable by code or by word. */
import { useEffect, useId, useRef, useState } from 'react';
import { ERROR_CATALOG, normalizeErrorCode, type ErrorCodeInfo } from '../../shared/error-catalog';
import { PhoneIcon, SearchIcon } from '../common/icons';
import { Modal } from './modal';

/** The entries matching a query: a code (with or without 0x, any case) or words from the text. */
export function filterCatalog(query: string): readonly ErrorCodeInfo[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return ERROR_CATALOG;
  return ERROR_CATALOG.filter((info) => {
    const code = info.code.toLowerCase();
    const text = `${info.title} ${info.explanation} ${info.advice}`.toLowerCase();
    return words.every((word) => {
      const bare = word.replace(/^0x/, '');
      return code.includes(word) || code.slice(2).startsWith(bare) || text.includes(word);
    });
  });
}

export interface ErrorReferenceProps {
  /** The code to point at when the reference was opened from an error. */
  highlight?: string | null;
  onClose(): void;
}

/** The error code reference, in a dialog. */
export function ErrorReference({ highlight, onClose }: ErrorReferenceProps) {
  const [query, setQuery] = useState('');
  const searchId = useId();
  const countId = useId();
  const list = useRef<HTMLUListElement>(null);
  const shown = filterCatalog(query);
  const current = highlight ? normalizeErrorCode(highlight) : null;

  // Scroll only the list, so the search field and the window behind stay where they are.
  useEffect(() => {
    if (!current || !list.current) return;
    const item = [...list.current.querySelectorAll<HTMLElement>('[data-code]')].find(
      (element) => element.dataset.code === current,
    );
    const scroller = list.current.closest<HTMLElement>('.modal-body');
    if (!item || !scroller) return;
    const offset = item.getBoundingClientRect().top - scroller.getBoundingClientRect().top;
    scroller.scrollTop += offset - 8;
  }, [current]);

  return (
    <Modal
      title="Error codes"
      subtitle="What the activation service's codes mean, and whether Microsoft's phone activation can still help."
      onClose={onClose}
      wide
      toolbar={
        <>
          <div className="search">
            <label htmlFor={searchId} className="visually-hidden">
              Filter by code or word
            </label>
            <SearchIcon />
            <input
              id={searchId}
              type="search"
              className="text-input"
              placeholder="Filter by code or word, e.g. 0x7F or blocked"
              value={query}
              onChange={(event) => setQuery(event.currentTarget.value)}
              aria-describedby={countId}
              autoComplete="off"
              spellCheck={false}
              data-autofocus
            />
          </div>
          <p id={countId} className="reference-count" aria-live="polite">
            {shown.length === ERROR_CATALOG.length
              ? `${ERROR_CATALOG.length} codes`
              : `${shown.length} of ${ERROR_CATALOG.length} codes`}
          </p>
        </>
      }
    >
      {shown.length === 0 ? (
        <p className="reference-empty">No code matches &ldquo;{query.trim()}&rdquo;.</p>
      ) : (
        <ul className="reference-list" ref={list}>
          {shown.map((info) => (
            <li
              key={info.code}
              className={`reference-item${info.code === current ? ' is-current' : ''}`}
              data-code={info.code}
            >
              <div className="reference-item-head">
                <code className="code-chip">{info.code}</code>
                <h3>{info.title}</h3>
                {info.code === current && <span className="badge">This error</span>}
              </div>
              <p>{info.explanation}</p>
              <p>
                <strong>What to do: </strong>
                {info.advice}
              </p>
              <p className={`verdict is-${info.phoneActivation}`}>
                <PhoneIcon />
                {info.phoneActivation === 'maybe'
                  ? 'Phone activation may help'
                  : "Phone activation won't help"}
              </p>
            </li>
          ))}
        </ul>
      )}
    </Modal>
  );
}
