import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CATALOG } from '../../shared/error-catalog';
import { parseIid } from '../../shared/iid';
import { DEFAULT_PID, parsePid } from '../../shared/pid';
import { SAMPLE_BLOCKED, SAMPLE_SUCCESS } from '../../shared/protocol-samples';
import {
  builtInScenarios,
  DEMO_IIDS,
  DEMO_PIDS,
  demoScenario,
  deriveIid,
  formatScenario,
  parseScenario,
  parseScenarioFile,
  readScenarioFile,
  type DemoName,
} from './simulator-scenarios';

const names = Object.keys(DEMO_IIDS) as DemoName[];

describe('DEMO_IIDS', () => {
  it.each(names)('%s is the IID derived from its name, and a valid 63-digit IID', (name) => {
    const iid = DEMO_IIDS[name];
    expect(iid).toBe(deriveIid(name));
    const parsed = parseIid(iid);
    expect(parsed.ok && parsed.value.form).toBe(63);
  });

  it('are all different from each other and from the published samples', () => {
    const all = new Set<string>([
      ...Object.values(DEMO_IIDS),
      SAMPLE_SUCCESS.iid,
      SAMPLE_BLOCKED.iid,
    ]);
    expect(all.size).toBe(names.length + 2);
  });

  it('cover every catalogued error code and every scenario worth showing', () => {
    expect(names).toEqual([
      'cid',
      ...ERROR_CATALOG.map((info) => info.code),
      'unknown-code',
      'html-500',
      'html-503',
      'soap-fault',
      'hang',
      'slow',
      'drip',
      'oversized',
      'malformed',
      'not-xml',
      'empty',
      'reset',
      'wrong-iid',
      'bad-check-digit',
      'multiple-responses',
      'redirect',
      'doctype-bomb',
      'external-entity',
    ]);
  });

  it('are what the built-in table answers them with', () => {
    const table = builtInScenarios();
    const answered = Object.fromEntries(
      names.map((name) => [name, formatScenario(table.iids.get(DEMO_IIDS[name])!)]),
    );
    expect(answered).toEqual({
      ...Object.fromEntries(names.map((name) => [name, name])),
      'unknown-code': '0x99',
      slow: 'slow:2000',
      drip: 'drip:50',
      oversized: 'oversized:2097152',
    });
    expect(table.iids.get(SAMPLE_BLOCKED.iid)).toEqual({ kind: 'error', code: '0x67' });
    expect(demoScenario('0x71')).toEqual({ kind: 'error', code: '0x71' });
  });

  it('come with demo PIDs that are Extended PIDs', () => {
    for (const pid of Object.values(DEMO_PIDS)) {
      const parsed = parsePid(pid);
      expect(parsed.ok && parsed.value).toBe(pid);
    }
    expect(builtInScenarios().pids.get(DEMO_PIDS['none-left'])).toEqual({
      kind: 'remaining',
      remaining: 0,
    });
  });

  it('derives 54-digit IIDs too', () => {
    const parsed = parseIid(deriveIid('anything', 54));
    expect(parsed.ok && parsed.value.form).toBe(54);
  });
});

describe('parseScenario', () => {
  it.each([
    ['cid', { kind: 'cid' }, 'cid'],
    ['0x71', { kind: 'error', code: '0x71' }, '0x71'],
    ['0xC004C017', { kind: 'error', code: '0xC004C017' }, '0xC004C017'],
    ['error:-1', { kind: 'error', code: '-1' }, 'error:-1'],
    ['outage', { kind: 'error', code: '0x80004003' }, '0x80004003'],
    ['remaining:0', { kind: 'remaining', remaining: 0 }, 'remaining:0'],
    ['slow', { kind: 'slow', delayMs: 2000 }, 'slow:2000'],
    ['slow:150', { kind: 'slow', delayMs: 150 }, 'slow:150'],
    ['drip:10', { kind: 'drip', intervalMs: 10 }, 'drip:10'],
    ['oversized', { kind: 'oversized', bytes: 2 * 1024 * 1024 }, 'oversized:2097152'],
    ['oversized:50MiB', { kind: 'oversized', bytes: 50 * 1024 * 1024 }, 'oversized:52428800'],
    ['oversized:64KiB', { kind: 'oversized', bytes: 65536 }, 'oversized:65536'],
    [' html-503 ', { kind: 'html-503' }, 'html-503'],
    ['doctype-bomb', { kind: 'doctype-bomb' }, 'doctype-bomb'],
  ] as const)('reads %j', (spec, scenario, formatted) => {
    const parsed = parseScenario(spec);
    expect(parsed).toEqual({ ok: true, value: scenario });
    expect(parsed.ok && formatScenario(parsed.value)).toBe(formatted);
  });

  it.each([
    ['html500', '"html500" is not a simulator scenario: unknown scenario.'],
    ['0xZZ', '"0xZZ" is not a simulator scenario: unknown scenario.'],
    [
      'slow:soon',
      '"slow:soon" is not a simulator scenario: soon is not a whole number from 0 to 600000.',
    ],
    ['drip:0', '"drip:0" is not a simulator scenario: 0 is not a whole number from 1 to 60000.'],
    ['remaining', '"remaining" is not a simulator scenario: remaining: needs a number.'],
    [
      'oversized:2GB',
      '"oversized:2GB" is not a simulator scenario: 2GB is not a size in bytes, KiB or MiB.',
    ],
    [
      'error:<x>',
      '"error:<x>" is not a simulator scenario: error: needs a code of letters, digits, . _ + or -.',
    ],
  ])('refuses %j', (spec, message) => {
    const parsed = parseScenario(spec);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.error.kind).toBe('invalid-input');
      expect(parsed.error.message).toBe(message);
      expect(parsed.error.advice).toMatch(/^Use one of: cid, 0x<hex code> \(such as 0x71\)/);
    }
  });
});

describe('parseScenarioFile', () => {
  const grouped = DEMO_IIDS.cid.match(/\d{7}/g)!.join('-');

  it('reads IIDs (grouped or not) and PIDs', () => {
    const parsed = parseScenarioFile(
      JSON.stringify({
        iids: { [grouped]: 'html-500', [SAMPLE_SUCCESS.iid]: 'slow:100' },
        pids: { [DEFAULT_PID]: 'remaining:3' },
      }),
    );
    if (!parsed.ok) throw new Error(parsed.error.message);
    expect([...parsed.value.iids]).toEqual([
      [DEMO_IIDS.cid, { kind: 'html-500' }],
      [SAMPLE_SUCCESS.iid, { kind: 'slow', delayMs: 100 }],
    ]);
    expect([...parsed.value.pids]).toEqual([[DEFAULT_PID, { kind: 'remaining', remaining: 3 }]]);
  });

  it('accepts an empty object', () => {
    const parsed = parseScenarioFile('{}');
    expect(parsed.ok && parsed.value.iids.size + parsed.value.pids.size).toBe(0);
  });

  const brokenGroup = `${SAMPLE_SUCCESS.iid.slice(0, 6)}0${SAMPLE_SUCCESS.iid.slice(7)}`;

  it.each([
    ['{"iids": ', /^scenarios\.json: not valid JSON \(/],
    ['[]', /^scenarios\.json: the top level must be a JSON object\.$/],
    ['{"iid": {}}', /^scenarios\.json: unknown key "iid"; only "iids" and "pids" are read\.$/],
    ['{"iids": []}', /^scenarios\.json: "iids" must be an object mapping each ID to a scenario\.$/],
    [
      `{"iids": {"${SAMPLE_SUCCESS.iid}": 71}}`,
      /^scenarios\.json: iids\["\d+"\] must be a scenario written as a string, such as "0x71"\.$/,
    ],
    [
      `{"iids": {"${SAMPLE_SUCCESS.iid}": "fast"}}`,
      /^scenarios\.json: iids\["\d+"\]: "fast" is not a simulator scenario: unknown scenario\.$/,
    ],
    [
      `{"iids": {"${brokenGroup}": "cid"}}`,
      /^scenarios\.json: iids\["\d+"\]: Group 1 of the Installation ID does not pass its check digit\.$/,
    ],
    [
      '{"pids": {"12345": "remaining:1"}}',
      /^scenarios\.json: pids\["12345"\]: "12345" is not an Extended PID\.$/,
    ],
  ])('refuses %s', (text, message) => {
    const parsed = parseScenarioFile(text, 'scenarios.json');
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.error.kind).toBe('invalid-input');
      expect(parsed.error.message).toMatch(message);
    }
  });

  it('reads a file from disk, and says when it is missing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cid-desk-scenarios-'));
    try {
      const path = join(dir, 'scenarios.json');
      await writeFile(path, JSON.stringify({ iids: { [SAMPLE_SUCCESS.iid]: '0x71' } }));
      const parsed = await readScenarioFile(path);
      expect(parsed.ok && parsed.value.iids.get(SAMPLE_SUCCESS.iid)).toEqual({
        kind: 'error',
        code: '0x71',
      });
      const missing = await readScenarioFile(join(dir, 'none.json'));
      expect(!missing.ok && missing.error.message).toBe(
        `The scenario file ${join(dir, 'none.json')} does not exist.`,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
