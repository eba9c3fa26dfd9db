import type { Result } from '../../shared/errors';
import type { HistoryAccess } from '../activation/activation-service';
import {
  openHistory,
  type CidSource,
  type HistoryOptions,
  type HistoryStore,
} from './history-store';

/**
 * Opens the history in `dir` on first use and keeps it open. A failure is not remembered: the
 * next request tries again, so a fixed permission or a freed disk lets the user go on.
 */
export function lazyHistory(
  dir: string,
  options: HistoryOptions = {},
): {
  open(): Promise<Result<HistoryStore>>;
  /** The same store seen as one source of CIDs (demo mode keeps its own). */
  as(source: CidSource): HistoryAccess;
} {
  let opened: Promise<Result<HistoryStore>> | undefined;
  const open = (): Promise<Result<HistoryStore>> => {
    opened ??= openHistory(dir, options).then((result) => {
      if (!result.ok) opened = undefined;
      return result;
    });
    return opened;
  };
  return { open, as: (source) => ({ open, source }) };
}
