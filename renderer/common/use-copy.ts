import { useCallback, useEffect, useRef, useState } from 'react';
import { useEnvironment } from './api';

export interface CopyFeedback {
  ok: boolean;
  /** What the user reads: exactly what went to the clipboard, or why nothing did. */
  message: string;
  /** Which button was used, so it can show a check mark. */
  source: string;
}

/** How long a copy confirmation stays on screen. */
export const FEEDBACK_MS = 4000;

/** Copies text to the clipboard and keeps a short-lived confirmation of what was copied. */
export function useCopy(): {
  feedback: CopyFeedback | null;
  copy(text: string, what: string, source: string): Promise<void>;
} {
  const { clipboard } = useEnvironment();
  const [feedback, setFeedback] = useState<CopyFeedback | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  useEffect(() => () => clearTimeout(timer.current), []);

  const copy = useCallback(
    async (text: string, what: string, source: string) => {
      let next: CopyFeedback;
      try {
        await clipboard.writeText(text);
        next = { ok: true, message: `Copied ${what}`, source };
      } catch {
        next = {
          ok: false,
          message: "Couldn't copy to the clipboard. Select the text and press Ctrl+C instead.",
          source,
        };
      }
      setFeedback(next);
      clearTimeout(timer.current);
      timer.current = setTimeout(() => setFeedback(null), FEEDBACK_MS);
    },
    [clipboard],
  );

  return { feedback, copy };
}
