/** How dates, counts and IDs are written in the window, in the user's own locale. */
import { chunk } from '../../shared/digits';

function parsed(iso: string): Date | null {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** A date and time in the user's own locale, or the text as it came when it is not a date. */
export function formatWhen(iso: string): string {
  const date = parsed(iso);
  if (!date) return iso;
  return new Intl.DateTimeFormat(undefined, { dateStyle: 'long', timeStyle: 'short' }).format(date);
}

/** A compact date and time for lists, in the user's own locale. */
export function formatWhenShort(iso: string): { date: string; time: string } {
  const date = parsed(iso);
  if (!date) return { date: iso, time: '' };
  return {
    date: new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' }).format(date),
    time: new Intl.DateTimeFormat(undefined, { timeStyle: 'short' }).format(date),
  };
}

/** A whole number with the locale's thousands separators. */
export function formatCount(n: number): string {
  return new Intl.NumberFormat().format(n);
}

/** "1 Installation ID", "12 Installation IDs": a count with its noun in the right number. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

/** A CID's 48 digits as groups A to H joined by dashes; anything else as it came. */
export function dashedCid(digits: string): string {
  return /^\d{48}$/.test(digits) ? chunk(digits, 6).join('-') : digits;
}
