import { describe, expect, it } from 'vitest';
import {
  backspaceInto,
  carryNotice,
  describeFields,
  emptyFields,
  pasteInto,
  switchSize,
  typeInto,
  type IidFields,
} from './iid-fields';

const IID63 = '722119691970404081693740409628143723123533522755522747247236561';
const GROUPS63 = IID63.match(/.{7}/g)!;

function fields(groups: string[], size: 6 | 7 = 7): IidFields {
  return { groups: [...groups, ...Array(9 - groups.length).fill('')], size };
}

describe('IID boxes', () => {
  it('runs a few pasted digits on from the cursor into the next boxes', () => {
    const edit = pasteInto(fields(['7221196', '91']), 1, 2, 2, '97040 40816');
    expect(edit.fields.groups.slice(0, 4)).toEqual(['7221196', '9197040', '40816', '']);
    expect(edit.focus).toBe(2);
    expect(edit.notice).toBeNull();
  });

  it('fills from group 1 and says what is off when nearly a whole ID is pasted', () => {
    const edit = pasteInto(emptyFields(), 4, 0, 0, `${IID63}5`);
    expect(edit.fields.groups).toEqual(GROUPS63);
    expect(edit.notice).toEqual({
      text: '64 digits were found; an Installation ID has 63 digits (9 groups of 7) or 54 digits (9 groups of 6). There is 1 digit too many for a 63-digit ID. Check that nothing else was copied along with it.',
      lasts: 'until-valid',
    });
  });

  it('says when pasted digits do not fit after group 9', () => {
    const edit = pasteInto(emptyFields(), 8, 0, 0, '1234567890');
    expect(edit.fields.groups[8]).toBe('1234567');
    expect(edit.notice?.text).toBe('3 digits did not fit after group 9 and were left out.');
  });

  it('takes no more typing in a full box', () => {
    const full = fields(['7221196']);
    expect(typeInto(full, 0, '72211961')).toEqual({ fields: full, focus: 0, notice: null });
  });

  it('does nothing on Backspace in the first box', () => {
    const start = emptyFields();
    expect(backspaceInto(start, 0)).toEqual({ fields: start, focus: 0, notice: null });
  });

  it('regroups the digits when the form changes', () => {
    const switched = switchSize(fields(GROUPS63.slice(0, 2)), 6);
    expect(switched.groups.slice(0, 3)).toEqual(['722119', '691970', '40']);
    expect(switched.size).toBe(6);
  });

  it('gives the ID only when every group is complete and right', () => {
    expect(describeFields(fields(GROUPS63)).iid).toBe(IID63);
    const shortOne = [...GROUPS63];
    shortOne[3] = shortOne[3]!.slice(0, 6);
    const status = describeFields(fields(shortOne));
    expect(status.iid).toBeNull();
    expect(status.shortGroups).toEqual([4]);
    expect(status.digitCount).toBe(62);
  });

  it('does not call the last group short while it is still being typed', () => {
    const typing = [...GROUPS63];
    typing[8] = typing[8]!.slice(0, 1);
    const status = describeFields(fields(typing));
    expect(status.shortGroups).toEqual([]);
    expect(status.iid).toBeNull();
  });

  it('keeps a hint about the input until the ID is right, and an event hint for one edit', () => {
    const input = { text: 'left out', lasts: 'until-valid' } as const;
    const event = { text: 'switched', lasts: 'one-edit' } as const;
    expect(carryNotice(input, null, false)).toBe(input);
    expect(carryNotice(input, null, true)).toBeNull();
    expect(carryNotice(event, null, false)).toBeNull();
    expect(carryNotice(input, event, false)).toBe(event);
  });
});
