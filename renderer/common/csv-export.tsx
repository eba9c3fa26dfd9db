/**
 * Saving a CSV through main's save dialog, as the History and Batch views both do it.
 */
import { useState } from 'react';
import type { CidDeskError } from '../../shared/errors';
import type { SaveFileResult } from '../../shared/ipc';
import { noAnswerError, RETRY_ADVICE } from './api';
import { CheckIcon } from './icons';

/** Where a finished export went, and the words that lead up to the path. */
export interface SavedExport {
  /** Such as `Saved to`. */
  lead: string;
  path: string;
}

export interface CsvExportOptions {
  /** The heading of the error shown when the export fails. */
  failureTitle: string;
  /** Shows a failure; each view keeps one error callout for all its actions. */
  onError(title: string, error: CidDeskError): void;
  /** Says the result through the window's one live region. */
  announce(text: string): void;
}

/**
 * One export at a time; nothing said when the user cancels the dialog; where the file went is
 * shown until the view forgets it (when what it would export changes).
 */
export function useCsvExport({ failureTitle, onError, announce }: CsvExportOptions) {
  const [exporting, setExporting] = useState(false);
  const [saved, setSaved] = useState<SavedExport | null>(null);

  /** Runs `save`, main's export call, unless an export is under way. */
  async function run(save: () => Promise<SaveFileResult>, lead = 'Saved to'): Promise<void> {
    if (exporting) return;
    setExporting(true);
    setSaved(null);
    try {
      const answer = await save();
      if (!answer.ok) onError(failureTitle, answer.error);
      else if (answer.path !== null) {
        setSaved({ lead, path: answer.path });
        announce(`${lead} ${answer.path}`);
      }
    } catch (cause) {
      onError(failureTitle, noAnswerError(cause, RETRY_ADVICE));
    } finally {
      setExporting(false);
    }
  }

  return { exporting, saved, run, forget: () => setSaved(null) };
}

/**
 * Where the file went. Not a live region itself: `announce` has said it once already, and a
 * second live region would make screen readers say it twice.
 */
export function SavedMessage({ saved }: { saved: SavedExport | null }) {
  if (!saved) return null;
  return (
    <p className="message is-ok">
      <CheckIcon />
      <span>
        {saved.lead} <span className="mono path">{saved.path}</span>
      </span>
    </p>
  );
}
