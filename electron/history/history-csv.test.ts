import { describe, expect, it } from 'vitest';
import { DEFAULT_PID } from '../../shared/pid';
import { SAMPLE_BLOCKED, SAMPLE_SUCCESS } from '../../shared/protocol-samples';
import { csvCell, historyRow, historyToCsv, neutralizeCell, toCsv } from './history-csv';
import type { HistoryEntry } from './history-store';
import { parseCsv } from '../../shared/test-support/csv-reader';

describe('neutralizeCell', () => {
  it.each([
    ["=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"],
    ['=1+2', "'=1+2"],
    ['+', "'+"],
    ['-', "'-"],
    ['@SUM(A1:A2)', "'@SUM(A1:A2)"],
    ['\tstarts with a tab', "'\tstarts with a tab"],
    ['\rstarts with a CR', "'\rstarts with a CR"],
    ['  =HYPERLINK("http://x")', `'  =HYPERLINK("http://x")`],
    ['\n@x', "'\n@x"],
    ['-1-2', "'-1-2"],
    ['+1+1', "'+1+1"],
    ['-2.5e3', "'-2.5e3"],
    ['-1', '-1'],
    ['+5', '+5'],
    ['-0.5', '-0.5'],
    ['0x67', '0x67'],
    ['062722-477945-868792', '062722-477945-868792'],
    ['a = b', 'a = b'],
    ['', ''],
  ])('%j becomes %j', (cell, expected) => {
    expect(neutralizeCell(cell)).toBe(expected);
  });
});

describe('toCsv', () => {
  it('quotes cells with quotes, commas and line breaks, doubles quotes, and ends lines in CR LF', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('cr\r')).toBe('"cr\r"');
    expect(
      toCsv([
        ['a', 'b'],
        ['', 'c d'],
      ]),
    ).toBe('a,b\r\n,c d\r\n');
    expect(toCsv([])).toBe('');
  });

  it('keeps hostile cells inert and every cell intact', () => {
    const row = [
      "=cmd|' /C calc'!A0",
      '+',
      '-',
      '@',
      '\t=1',
      'He said "no", twice',
      'line one\r\nline two',
      '=HYPERLINK("http://evil.invalid","click")',
      '-1',
    ];
    const text = toCsv([row]);
    expect(text).toBe(
      `'=cmd|' /C calc'!A0,'+,'-,'@,'\t=1,"He said ""no"", twice","line one\r\nline two","'=HYPERLINK(""http://evil.invalid"",""click"")",-1\r\n`,
    );
    expect(parseCsv(text)).toEqual([
      [
        "'=cmd|' /C calc'!A0",
        "'+",
        "'-",
        "'@",
        "'\t=1",
        'He said "no", twice',
        'line one\r\nline two',
        `'=HYPERLINK("http://evil.invalid","click")`,
        '-1',
      ],
    ]);
  });
});

describe('historyToCsv', () => {
  const at = '2025-03-14T09:26:53.589Z';
  const entries: HistoryEntry[] = [
    {
      v: 1,
      id: '00000000-0000-4000-8000-000000000001',
      at,
      type: 'cid',
      iid: SAMPLE_SUCCESS.iid,
      pid: DEFAULT_PID,
      cid: SAMPLE_SUCCESS.cid,
      source: 'service',
    },
    {
      v: 1,
      id: '00000000-0000-4000-8000-000000000002',
      at,
      type: 'error',
      iid: SAMPLE_BLOCKED.iid,
      pid: DEFAULT_PID,
      error: { kind: 'service', code: '0x67', message: '=HYPERLINK("x"), the key is "blocked"' },
    },
    {
      v: 1,
      id: '00000000-0000-4000-8000-000000000003',
      at,
      type: 'error',
      pid: DEFAULT_PID,
      error: { kind: 'network', code: null, message: 'The connection was reset.' },
    },
    {
      v: 1,
      id: '00000000-0000-4000-8000-000000000004',
      at,
      type: 'remaining',
      pid: DEFAULT_PID,
      remaining: 1,
    },
    {
      v: 1,
      id: '00000000-0000-4000-8000-000000000005',
      at,
      type: 'remaining',
      pid: DEFAULT_PID,
      remaining: -1,
    },
    {
      v: 1,
      id: '00000000-0000-4000-8000-000000000006',
      at,
      type: 'cid',
      iid: SAMPLE_BLOCKED.iid,
      pid: DEFAULT_PID,
      cid: SAMPLE_SUCCESS.cid,
      source: 'simulator',
    },
  ];

  it('writes a header and one row per entry, IDs in dash-joined groups', () => {
    const cid = '062722-477945-868792-870895-165923-782876-591463-700690';
    const iid63 = '7221196-9197040-4081693-7404096-2814372-3123533-5227555-2274724-7236561';
    const iid54 = '005950-994222-211946-473620-381251-933522-362211-063114-026142';
    expect(iid63.replaceAll('-', '')).toBe(SAMPLE_SUCCESS.iid);
    const rows = [
      ['date', 'IID', 'Extended PID', 'result', 'CID', 'error code', 'message'],
      [at, iid63, DEFAULT_PID, 'CID', cid, '', ''],
      [at, iid54, DEFAULT_PID, 'error', '', '0x67', `'=HYPERLINK("x"), the key is "blocked"`],
      [at, '', DEFAULT_PID, 'error', '', '', 'The connection was reset.'],
      [at, '', DEFAULT_PID, 'remaining activations', '', '', '1 activation remaining'],
      [at, '', DEFAULT_PID, 'remaining activations', '', '', 'The service gave no count (-1).'],
      [at, iid54, DEFAULT_PID, 'CID', cid, '', 'Demo mode: made up by the built-in simulator.'],
    ];
    const text = historyToCsv(entries);
    expect(parseCsv(text)).toEqual(rows);
    expect(text.split('\r\n')[2]).toBe(
      `${at},${iid54},${DEFAULT_PID},error,,0x67,"'=HYPERLINK(""x""), the key is ""blocked"""`,
    );
    expect(historyRow(entries[0]!)).toEqual(rows[1]);
  });

  it('says which errors and counts demo mode made up, and keeps their message', () => {
    // The two errors and the two counts above, as demo mode records them.
    const demo = entries.slice(1, 5).map((entry) => ({ ...entry, source: 'simulator' as const }));
    expect(demo.map((entry) => historyRow(entry).at(-1))).toEqual([
      'Demo mode: =HYPERLINK("x"), the key is "blocked"',
      'Demo mode: The connection was reset.',
      'Demo mode: 1 activation remaining',
      'Demo mode: The service gave no count (-1).',
    ]);
    // Marked as the service's, as unmarked ones are (the test above): no note.
    const real = [entries[1]!, entries[3]!].map((entry) => ({
      ...entry,
      source: 'service' as const,
    }));
    expect(real.map((entry) => historyRow(entry).at(-1))).toEqual([
      '=HYPERLINK("x"), the key is "blocked"',
      '1 activation remaining',
    ]);
    // In the file, the note comes first: the cell starts as plain text, nothing a spreadsheet runs.
    expect(parseCsv(historyToCsv(demo.slice(0, 1)))[1]).toEqual([
      at,
      '005950-994222-211946-473620-381251-933522-362211-063114-026142',
      DEFAULT_PID,
      'error',
      '',
      '0x67',
      'Demo mode: =HYPERLINK("x"), the key is "blocked"',
    ]);
  });
});
