/**
 * The state of the nine Installation ID boxes and how typing, pasting and deleting change it.
 * Pure functions: the component applies the result and moves the focus where it says.
 */
import { chunk, describeChar, normalizeDigits } from '../../shared/digits';
import { analyzeIid, IID_GROUPS, listNumbers, parseIid, type IidForm } from '../../shared/iid';

export type GroupSize = 6 | 7;

export interface IidFields {
  /** The digits in each of the nine boxes. */
  groups: string[];
  size: GroupSize;
  /** The boxes as they were before the last switch of form, so switching back loses nothing. */
  beforeSwitch?: { groups: string[]; size: GroupSize };
}

/** A hint under the boxes about something the user may not have noticed. */
export interface Notice {
  text: string;
  /**
   * 'until-valid': about the input (characters left out, a wrong length), kept while the user
   * fixes it; 'one-edit': about an event (a form switched, a request cancelled), gone at the next edit.
   */
  lasts: 'until-valid' | 'one-edit';
}

/** The outcome of an edit: the new boxes, the box to focus, and a hint to show the user. */
export interface FieldsEdit {
  fields: IidFields;
  focus: number;
  notice: Notice | null;
}

export type GroupState = 'empty' | 'partial' | 'ok' | 'bad';

export interface FieldsStatus {
  form: IidForm;
  digitCount: number;
  states: GroupState[];
  /** 1-based numbers of complete groups whose check digit is wrong. */
  badGroups: number[];
  /** 1-based numbers of groups that hold some digits but not enough, once no box is empty. */
  shortGroups: number[];
  /** The validated digits when the boxes hold a whole, correct Installation ID. */
  iid: string | null;
}

const LAST = IID_GROUPS - 1;

/** Nine empty boxes of the given size (7 by default: current Windows and Office). */
export function emptyFields(size: GroupSize = 7): IidFields {
  return { groups: Array.from({ length: IID_GROUPS }, () => ''), size };
}

/** The form (54 or 63 digits) that a group size stands for. */
export function formOf(size: GroupSize): IidForm {
  return size === 6 ? 54 : 63;
}

function fill(digits: string, size: GroupSize): string[] {
  const groups = chunk(digits.slice(0, size * IID_GROUPS), size);
  while (groups.length < IID_GROUPS) groups.push('');
  return groups;
}

function ignoredNotice(invalidChars: string[]): Notice | null {
  if (invalidChars.length === 0) return null;
  const shown = invalidChars.slice(0, 3).map(describeChar).join(', ');
  return {
    text: `Only digits go in an Installation ID, so ${shown} ${invalidChars.length === 1 ? 'was' : 'were'} left out.`,
    lasts: 'until-valid',
  };
}

function joinNotices(...notices: (Notice | null)[]): Notice | null {
  const present = notices.filter((notice): notice is Notice => notice !== null);
  if (present.length === 0) return null;
  return {
    text: present.map((notice) => notice.text).join(' '),
    lasts: present.some((notice) => notice.lasts === 'until-valid') ? 'until-valid' : 'one-edit',
  };
}

/** The hint to show after an edit: the edit's own, or the previous one while it still applies. */
export function carryNotice(
  previous: Notice | null,
  hint: Notice | null,
  valid: boolean,
): Notice | null {
  if (hint) return hint;
  return previous?.lasts === 'until-valid' && !valid ? previous : null;
}

/** Fills boxes from `index` on with the digit stream, and says which box the cursor belongs in. */
function spill(fields: IidFields, index: number, digits: string): FieldsEdit {
  const groups = [...fields.groups];
  const pieces = chunk(digits, fields.size);
  let at = index;
  for (const piece of pieces) {
    if (at > LAST) break;
    groups[at] = piece;
    at += 1;
  }
  const capacity = (IID_GROUPS - index) * fields.size;
  const lastFilled = Math.min(index + pieces.length - 1, LAST);
  const full = groups[lastFilled]!.length === fields.size;
  return {
    fields: { groups, size: fields.size },
    focus: full && lastFilled < LAST ? lastFilled + 1 : lastFilled,
    notice:
      digits.length > capacity
        ? {
            text: `${digits.length - capacity} digit${digits.length - capacity === 1 ? '' : 's'} did not fit after group ${IID_GROUPS} and ${digits.length - capacity === 1 ? 'was' : 'were'} left out.`,
            lasts: 'until-valid',
          }
        : null,
  };
}

/**
 * Text pasted into box `index` over the selection [start, end). A whole Installation ID fills
 * all nine boxes wherever it is pasted and sets the form from its length; a few digits go where
 * the cursor is and run on into the next boxes.
 */
export function pasteInto(
  fields: IidFields,
  index: number,
  start: number,
  end: number,
  text: string,
): FieldsEdit {
  const { digits, invalidChars } = normalizeDigits(text);
  const ignored = ignoredNotice(invalidChars);
  if (digits.length === 54 || digits.length === 63) {
    const size: GroupSize = digits.length === 54 ? 6 : 7;
    return { fields: { groups: fill(digits, size), size }, focus: LAST, notice: ignored };
  }
  if (digits.length === 0) return { fields, focus: index, notice: ignored };
  // Nearly a whole ID (one group short or long): treat it as one and say what is off.
  if (digits.length >= 48) {
    const size: GroupSize = digits.length > 54 ? 7 : 6;
    const parsed = parseIid(digits);
    const count: Notice | null = parsed.ok
      ? null
      : { text: `${parsed.error.message} ${parsed.error.advice}`, lasts: 'until-valid' };
    const groups = fill(digits, size);
    return {
      fields: { groups, size },
      focus: Math.min(Math.ceil(digits.length / size), IID_GROUPS) - 1,
      notice: joinNotices(count, ignored),
    };
  }
  const current = fields.groups[index] ?? '';
  const merged = current.slice(0, start) + digits + current.slice(end);
  const edit =
    merged.length <= fields.size
      ? setGroup(fields, index, merged, current.length)
      : spill(fields, index, merged);
  return { ...edit, notice: joinNotices(edit.notice, ignored) };
}

function setGroup(
  fields: IidFields,
  index: number,
  digits: string,
  previousLength: number,
): FieldsEdit {
  const groups = [...fields.groups];
  groups[index] = digits;
  let size = fields.size;
  let notice: Notice | null = null;
  // Nine groups of exactly six can only be the older 54-digit form.
  if (size === 7 && groups.every((group) => group.length === 6)) {
    size = 6;
    notice = {
      text: 'Every group has 6 digits, so this is a 54-digit ID: switched to that form.',
      lasts: 'one-edit',
    };
  }
  const grew = digits.length > previousLength;
  return {
    fields: { groups, size },
    focus: grew && digits.length === size && index < LAST ? index + 1 : index,
    notice,
  };
}

/** The box's new text after the user typed or deleted in it. */
export function typeInto(fields: IidFields, index: number, value: string): FieldsEdit {
  const { digits, invalidChars } = normalizeDigits(value);
  const ignored = ignoredNotice(invalidChars);
  const current = fields.groups[index] ?? '';
  if (digits.length <= fields.size) {
    const edit = setGroup(fields, index, digits, current.length);
    return { ...edit, notice: joinNotices(edit.notice, ignored) };
  }
  // A seventh digit in the first box means the ID is the 63-digit form after all.
  if (index === 0 && fields.size === 6 && digits.length === 7) {
    const groups = [...fields.groups];
    groups[0] = digits;
    return {
      fields: { groups, size: 7 },
      focus: 1,
      notice: {
        text: 'The first group has 7 digits, so this is a 63-digit ID: switched to that form.',
        lasts: 'one-edit',
      },
    };
  }
  // A full box takes no more typing, like Windows' own boxes; several characters at once
  // (dropped or auto-filled text) run on into the next boxes.
  if (digits.length - current.length <= 1) return { fields, focus: index, notice: ignored };
  return spill(fields, index, digits);
}

/** Backspace in an empty box: go back one box and delete its last digit. */
export function backspaceInto(fields: IidFields, index: number): FieldsEdit {
  if (index === 0) return { fields, focus: 0, notice: null };
  const groups = [...fields.groups];
  groups[index - 1] = groups[index - 1]!.slice(0, -1);
  return { fields: { groups, size: fields.size }, focus: index - 1, notice: null };
}

/** Switches between the 63- and 54-digit forms, regrouping the digits already entered. */
export function switchSize(fields: IidFields, size: GroupSize): IidFields {
  if (size === fields.size) return fields;
  if (fields.beforeSwitch?.size === size) return { ...fields.beforeSwitch };
  return {
    groups: fill(fields.groups.join(''), size),
    size,
    beforeSwitch: { groups: fields.groups, size: fields.size },
  };
}

/** Each box's state, the groups to complain about, and the ID once it is whole and right. */
export function describeFields(fields: IidFields): FieldsStatus {
  const states = fields.groups.map((group): GroupState => {
    if (group.length === 0) return 'empty';
    const [state] = analyzeIid(group, fields.size).groups;
    if (!state?.complete) return 'partial';
    return state.checkOk ? 'ok' : 'bad';
  });
  const numbersOf = (wanted: GroupState) =>
    states.flatMap((state, i) => (state === wanted ? [i + 1] : []));
  const badGroups = numbersOf('bad');
  // A short group is worth a word only once digits follow it: the last group being typed is not.
  const lastFilled = states.findLastIndex((state) => state !== 'empty');
  const shortGroups = states.includes('empty')
    ? []
    : numbersOf('partial').filter((n) => n - 1 < lastFilled);
  let iid: string | null = null;
  if (states.every((state) => state === 'ok')) {
    const parsed = parseIid(fields.groups.join(''));
    if (parsed.ok) iid = parsed.value.digits;
  }
  return {
    form: formOf(fields.size),
    digitCount: fields.groups.reduce((sum, group) => sum + group.length, 0),
    states,
    badGroups,
    shortGroups,
    iid,
  };
}

/** "Group 3 doesn't match its check digit – compare it with the machine's screen." */
export function badGroupsMessage(badGroups: readonly number[]): string {
  return badGroups.length === 1
    ? `Group ${badGroups[0]} doesn't match its check digit – compare it with the machine's screen.`
    : `Groups ${listNumbers(badGroups)} don't match their check digits – compare them with the machine's screen.`;
}

/** Names groups that were left short, once every box has something in it. */
export function shortGroupsMessage(shortGroups: readonly number[], size: GroupSize): string {
  return shortGroups.length === 1
    ? `Group ${shortGroups[0]} has fewer than ${size} digits.`
    : `Groups ${listNumbers(shortGroups)} have fewer than ${size} digits.`;
}

/** The IID's digits split into its nine groups with spaces, as Windows shows them. */
export function groupedIid(digits: string): string {
  return chunk(digits, digits.length === 54 ? 6 : 7).join(' ');
}
