/** What a user does and sees in CID Desk's window, in the words the window uses. */
import { expect, type Locator, type Page } from '@playwright/test';
import { CID_GROUP_LABELS } from '../shared/cid';

/** The page's clipboard; e2e code is typed for Node, so the DOM's types are not in scope. */
interface PageGlobals {
  navigator: { clipboard: { readText(): Promise<string>; writeText(text: string): Promise<void> } };
}

/** The box of Installation ID group `n` (1 to 9). */
export function groupBox(page: Page, n: number): Locator {
  return page.getByRole('textbox', { name: `Group ${n} of 9` });
}

/** The button that sends the Installation ID. */
export function getCidButton(page: Page): Locator {
  return page.getByRole('button', { name: 'Get Confirmation ID' });
}

/** Puts `text` on the system clipboard and pastes it with the keyboard into group `group`. */
export async function pasteIid(page: Page, text: string, group = 1): Promise<void> {
  await groupBox(page, group).focus();
  await page.evaluate(
    (value) => (globalThis as unknown as PageGlobals).navigator.clipboard.writeText(value),
    text,
  );
  await page.keyboard.press('ControlOrMeta+V');
}

/** Reads the system clipboard, as the next paste anywhere would. */
export function readClipboard(page: Page): Promise<string> {
  return page.evaluate(() => (globalThis as unknown as PageGlobals).navigator.clipboard.readText());
}

/** Pastes an Installation ID and asks for its Confirmation ID. */
export async function requestCid(page: Page, iid: string): Promise<void> {
  await pasteIid(page, iid);
  await getCidButton(page).click();
}

/** The eight Confirmation ID groups A to H, as the result lists them. */
export function cidGroups(page: Page): Locator {
  return page.getByRole('list', { name: 'Confirmation ID groups' }).getByRole('listitem');
}

/** Checks that the result shows `cid` as groups A to H of six digits each. */
export async function expectCid(page: Page, cid: string): Promise<void> {
  await expect(page.getByRole('heading', { level: 1, name: /^Confirmation ID/ })).toBeVisible();
  await expect(cidGroups(page)).toHaveText(
    CID_GROUP_LABELS.map((label, i) => `${label}${cid.slice(i * 6, i * 6 + 6)}`),
  );
}

/** The heading of the error screen. */
export function errorHeading(page: Page): Locator {
  return page.getByRole('heading', { level: 1 });
}

/** The warning that the request may have spent an activation. */
export function activationWarning(page: Page): Locator {
  return page.getByText(
    'The request may have reached the service, so an activation may have been used. Trying again may use another one.',
    { exact: true },
  );
}

/** The window's views, as the tabs name them. */
export type ViewTab = 'Activate' | 'Batch' | 'History' | 'Remaining activations';

/** Opens a view with its tab, as a user clicks it, and waits until it shows. */
export async function openView(page: Page, view: ViewTab): Promise<void> {
  const tab = page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: view });
  await tab.click();
  await expect(tab).toHaveAttribute('aria-current', 'page');
}

/** The heading of the Batch, History or Remaining activations view. */
export function viewHeading(page: Page, view: Exclude<ViewTab, 'Activate'>): Locator {
  return page.getByRole('heading', { level: 1, name: view, exact: true });
}

/** The rows of the History table, newest first (the header row left out). */
export function historyRows(page: Page): Locator {
  return page
    .getByRole('table', { name: 'History, newest first' })
    .locator('tbody')
    .getByRole('row');
}

/** The search box of the History view. */
export function historySearch(page: Page): Locator {
  return page.getByRole('searchbox', { name: 'Search the history' });
}

/** The rows of the Batch results table, in the order of the text. */
export function batchRows(page: Page): Locator {
  return page
    .getByRole('table', { name: 'Results, in the order of the text' })
    .locator('tbody')
    .getByRole('row');
}

/** Digits in groups of `size` joined by `separator`, as the window and the CSV files write IDs. */
export function grouped(digits: string, size: number, separator = '-'): string {
  return (digits.match(new RegExp(`\\d{1,${size}}`, 'g')) ?? []).join(separator);
}

export { parseCsv } from '../shared/test-support/csv-reader';
