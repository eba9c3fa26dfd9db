/**
 * What the local BatchActivation simulator answers, per Installation ID and per Extended PID: the
 * scenario types, the scenario file that `cid-desk simulate --scenarios FILE` reads, and the
 * built-in demo IIDs that demo mode, the end-to-end tests and the docs rely on.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { checkDigitFor } from '../../shared/digits';
import { fail, makeError, ok, type CidDeskError, type Result } from '../../shared/errors';
import { parseIid, type IidForm } from '../../shared/iid';
import { parsePid } from '../../shared/pid';
import { SAMPLE_BLOCKED } from '../../shared/protocol-samples';

/** Scenarios that take no parameter. */
export const PLAIN_SCENARIOS = [
  'cid',
  'html-500',
  'html-503',
  'soap-fault',
  'hang',
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
] as const;
export type PlainScenarioKind = (typeof PLAIN_SCENARIOS)[number];

/** How the simulator answers one request. */
export type Scenario =
  | { kind: PlainScenarioKind }
  /** An ActivationResponse whose ErrorInfo holds this code, as the service refuses a request. */
  | { kind: 'error'; code: string }
  /** A normal answer whose ActivationRemaining is this number (what RequestType 2 asks for). */
  | { kind: 'remaining'; remaining: number }
  /** A normal answer after a pause. */
  | { kind: 'slow'; delayMs: number }
  /** A normal answer sent one byte per interval. */
  | { kind: 'drip'; intervalMs: number }
  /** A 200 answer of this many bytes, streamed without being built in memory. */
  | { kind: 'oversized'; bytes: number };

export type ScenarioKind = Scenario['kind'];

/** Scenarios chosen by Installation ID (RequestType 1) and by Extended PID (both types). */
export interface ScenarioTable {
  iids: Map<string, Scenario>;
  pids: Map<string, Scenario>;
}

export const DEFAULT_SLOW_MS = 2000;
export const DEFAULT_DRIP_MS = 50;
export const DEFAULT_OVERSIZED_BYTES = 2 * 1024 * 1024;
/** The code the service returned during observed outages. */
export const OUTAGE_CODE = '0x80004003';

const LIMITS = {
  delayMs: { min: 0, max: 600_000 },
  intervalMs: { min: 1, max: 60_000 },
  bytes: { min: 1, max: 1024 * 1024 * 1024 },
  remaining: { min: -1, max: 2_147_483_647 },
} as const;

const SCENARIO_SYNTAX =
  'cid, 0x<hex code> (such as 0x71), error:<code>, outage, remaining:<n>, slow[:<ms>], drip[:<ms>], oversized[:<bytes>|<n>KiB|<n>MiB], ' +
  PLAIN_SCENARIOS.filter((name) => name !== 'cid').join(', ');

function badScenario(spec: string, why: string): CidDeskError {
  return makeError(
    'invalid-input',
    `"${spec.length > 60 ? `${spec.slice(0, 60)}…` : spec}" is not a simulator scenario: ${why}.`,
    `Use one of: ${SCENARIO_SYNTAX}.`,
  );
}

function parseWhole(text: string, what: keyof typeof LIMITS, spec: string): Result<number> {
  const { min, max } = LIMITS[what];
  if (!/^-?\d{1,10}$/.test(text) || Number(text) < min || Number(text) > max) {
    return fail(
      badScenario(spec, `${text || '(nothing)'} is not a whole number from ${min} to ${max}`),
    );
  }
  return ok(Number(text));
}

function parseSize(text: string, spec: string): Result<number> {
  const unit = /^(\d{1,10})(KiB|MiB)$/i.exec(text);
  const bytes = unit
    ? Number(unit[1]) * (unit[2]!.toLowerCase() === 'kib' ? 1024 : 1024 * 1024)
    : Number(text);
  if (!unit && !/^\d{1,10}$/.test(text)) {
    return fail(badScenario(spec, `${text || '(nothing)'} is not a size in bytes, KiB or MiB`));
  }
  return parseWhole(String(bytes), 'bytes', spec);
}

/** Reads a scenario as written in a scenario file or on the command line, such as `0x71` or `slow:1500`. */
export function parseScenario(spec: string): Result<Scenario> {
  const text = spec.trim();
  if ((PLAIN_SCENARIOS as readonly string[]).includes(text)) {
    return ok({ kind: text as PlainScenarioKind });
  }
  if (text === 'outage') return ok({ kind: 'error', code: OUTAGE_CODE });
  if (/^0x[0-9a-f]{1,16}$/i.test(text)) return ok({ kind: 'error', code: text });

  const colon = text.indexOf(':');
  const name = colon < 0 ? text : text.slice(0, colon);
  const arg = colon < 0 ? null : text.slice(colon + 1).trim();
  switch (name) {
    case 'error':
      // The code goes into the answer as XML text, so only characters that need no escaping.
      if (arg === null || !/^[A-Za-z0-9_.+-]{1,64}$/.test(arg)) {
        return fail(badScenario(spec, 'error: needs a code of letters, digits, . _ + or -'));
      }
      return ok({ kind: 'error', code: arg });
    case 'remaining': {
      if (arg === null) return fail(badScenario(spec, 'remaining: needs a number'));
      const remaining = parseWhole(arg, 'remaining', spec);
      return remaining.ok ? ok({ kind: 'remaining', remaining: remaining.value }) : remaining;
    }
    case 'slow': {
      const delay = arg === null ? ok(DEFAULT_SLOW_MS) : parseWhole(arg, 'delayMs', spec);
      return delay.ok ? ok({ kind: 'slow', delayMs: delay.value }) : delay;
    }
    case 'drip': {
      const interval = arg === null ? ok(DEFAULT_DRIP_MS) : parseWhole(arg, 'intervalMs', spec);
      return interval.ok ? ok({ kind: 'drip', intervalMs: interval.value }) : interval;
    }
    case 'oversized': {
      const bytes = arg === null ? ok(DEFAULT_OVERSIZED_BYTES) : parseSize(arg, spec);
      return bytes.ok ? ok({ kind: 'oversized', bytes: bytes.value }) : bytes;
    }
    default:
      return fail(badScenario(spec, 'unknown scenario'));
  }
}

/** Writes a scenario the way parseScenario reads it, for logs and the simulator's request record. */
export function formatScenario(scenario: Scenario): string {
  switch (scenario.kind) {
    case 'error':
      return /^0x[0-9a-f]{1,16}$/i.test(scenario.code) ? scenario.code : `error:${scenario.code}`;
    case 'remaining':
      return `remaining:${scenario.remaining}`;
    case 'slow':
      return `slow:${scenario.delayMs}`;
    case 'drip':
      return `drip:${scenario.intervalMs}`;
    case 'oversized':
      return `oversized:${scenario.bytes}`;
    default:
      return scenario.kind;
  }
}

/** An empty table, to fill with `set` or merge into a simulator. */
export function emptyScenarioTable(): ScenarioTable {
  return { iids: new Map(), pids: new Map() };
}

const FILE_SHAPE =
  'A scenario file is a JSON object such as {"iids": {"<Installation ID>": "0x71"}, "pids": {"<Extended PID>": "remaining:0"}}; both parts are optional.';

/**
 * Reads a scenario file's text: JSON mapping Installation IDs and Extended PIDs to scenarios.
 * IIDs may be written with dashes or spaces; each must be one CID Desk would send (check digits
 * right), since a mapping for any other could never be used.
 */
export function parseScenarioFile(
  text: string,
  fileName = 'The scenario file',
): Result<ScenarioTable> {
  const problem = (message: string, advice = FILE_SHAPE) =>
    fail(makeError('invalid-input', `${fileName}: ${message}`, advice));

  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return problem(`not valid JSON (${(error as Error).message}).`);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    return problem('the top level must be a JSON object.');
  }
  const table = emptyScenarioTable();
  for (const [section, entries] of Object.entries(data)) {
    if (section !== 'iids' && section !== 'pids') {
      return problem(`unknown key "${section.slice(0, 40)}"; only "iids" and "pids" are read.`);
    }
    if (entries === null || typeof entries !== 'object' || Array.isArray(entries)) {
      return problem(`"${section}" must be an object mapping each ID to a scenario.`);
    }
    for (const [key, value] of Object.entries(entries as Record<string, unknown>)) {
      const where = `${section}["${key.length > 70 ? `${key.slice(0, 70)}…` : key}"]`;
      if (typeof value !== 'string') {
        return problem(`${where} must be a scenario written as a string, such as "0x71".`);
      }
      const scenario = parseScenario(value);
      if (!scenario.ok)
        return problem(`${where}: ${scenario.error.message}`, scenario.error.advice);
      if (section === 'iids') {
        const iid = parseIid(key);
        if (!iid.ok) return problem(`${where}: ${iid.error.message}`, iid.error.advice);
        table.iids.set(iid.value.digits, scenario.value);
      } else {
        const pid = parsePid(key);
        if (!pid.ok) return problem(`${where}: ${pid.error.message}`, pid.error.advice);
        table.pids.set(pid.value, scenario.value);
      }
    }
  }
  return ok(table);
}

/** Reads and parses a scenario file from disk; a missing or unreadable file is an error value too. */
export async function readScenarioFile(path: string): Promise<Result<ScenarioTable>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return fail(
      makeError(
        'invalid-input',
        code === 'ENOENT'
          ? `The scenario file ${path} does not exist.`
          : `The scenario file ${path} could not be read (${code ?? (error as Error).message}).`,
        'Check the path given with --scenarios.',
      ),
    );
  }
  return parseScenarioFile(text, `The scenario file ${path}`);
}

/**
 * Decimal digits drawn from SHA-256 of a seed, for IDs that must be the same on every run.
 * Bytes of 250 and above are skipped so each digit is equally likely.
 */
export function seededDigits(seed: string, count: number): string {
  let digits = '';
  for (let round = 0; digits.length < count; round += 1) {
    for (const byte of createHash('sha256').update(`${seed}#${round}`).digest()) {
      if (byte < 250) digits += String(byte % 10);
      if (digits.length === count) break;
    }
  }
  return digits;
}

/** A valid Installation ID (every group's check digit right) derived from a seed. */
export function deriveIid(seed: string, form: IidForm = 63): string {
  const groupSize = form === 63 ? 7 : 6;
  const payload = seededDigits(`cid-desk demo iid ${seed}`, 9 * (groupSize - 1));
  let iid = '';
  for (let group = 0; group < 9; group += 1) {
    const digits = payload.slice(group * (groupSize - 1), (group + 1) * (groupSize - 1));
    iid += digits + String(checkDigitFor(digits));
  }
  return iid;
}

/**
 * Installation IDs the simulator answers with a fixed scenario, by name. Each is a valid 63-digit
 * IID, `deriveIid(name)`, written out so documentation and tests can quote it.
 */
export const DEMO_IIDS = {
  cid: '255420696955561310345121221071841806839492598557437888417626270',
  '0x67': '848376092171712662412721424294170333448311470019289318163991175',
  '0x68': '567427604694954021535281371623802161425255997248236070251806220',
  '0x71': '470513025906115121560821578431384658172303606333664316507577530',
  '0x7F': '883876625189617216436824811014986345220466286369578931918329194',
  '0x86': '563075207896457493594233788065406636720316519354041744502023003',
  '0x8D': '231498008104826417795128200384248939800531739908004621224236031',
  '0x8F': '114967394319851073202722999214426559843563899290693636106553165',
  '0x90': '683579433038265365995871936064124844351323549893468242649169575',
  '0xD5': '470601488196826915101696829308880803907101719449676387734476626',
  '0xD6': '915691484900501308380461496419545434956146288600361880867598943',
  '0xC004C017': '533670561176546338850748043586220105522611735536102470306434584',
  '0x80131600': '496139215776614339044020511337250716062286091916135677223869405',
  '0x80004003': '213184407520848611772242406471681459667432921199131464455552191',
  'unknown-code': '576533240260334623571005800011091667144794294952248436953052164',
  'html-500': '665989472945921848185917284366804966929221700878472961055235345',
  'html-503': '743536139164153648125888643596382418943725904846324813609874806',
  'soap-fault': '784878360822769567050921827413831958363342279429463779368340993',
  hang: '177452418385061504330187636287805941250222684058571114312154886',
  slow: '632604696646354421541192339683943401495652933094056199323251344',
  drip: '255222603354140187833477662530725759711662626470358732012678524',
  oversized: '749709063664815951755181773359265703398764263920226796325377880',
  malformed: '048214157978718438094382246650694923621912031275029070352916022',
  'not-xml': '702415063996560699264417678605803367144243589528253072643687565',
  empty: '537427066421939663301065452639083757497015119137308655551337205',
  reset: '199136356405922986674423132690924227542964605341294102239330235',
  'wrong-iid': '870813332743626718796813410198994416913306451068230383218567660',
  'bad-check-digit': '419960472247948886156525144002226965732515340839634257146747056',
  'multiple-responses': '499876330746736426053174280379679460898752134391016012619329592',
  redirect: '865485275389031736755334186004079859500282733949097481028000896',
  'doctype-bomb': '991668688860438962126563582081100210383516088727509656924502603',
  'external-entity': '408971440741115564523774377338618126025382994255196075344860994',
} as const;

export type DemoName = keyof typeof DEMO_IIDS;

/** Extended PIDs the simulator answers with a fixed scenario (for RequestType 2 especially). */
export const DEMO_PIDS = {
  'none-left': '00000-00000-000-000001-03-1033-26100.0000-0012025',
  blocked: '00000-00000-000-000002-03-1033-26100.0000-0012025',
} as const;

/** The scenario each demo name stands for. */
export function demoScenario(name: DemoName): Scenario {
  if (name === 'slow') return { kind: 'slow', delayMs: DEFAULT_SLOW_MS };
  if (name === 'drip') return { kind: 'drip', intervalMs: DEFAULT_DRIP_MS };
  if (name === 'oversized') return { kind: 'oversized', bytes: DEFAULT_OVERSIZED_BYTES };
  if (name === 'unknown-code') return { kind: 'error', code: UNKNOWN_DEMO_CODE };
  const parsed = parseScenario(name);
  if (!parsed.ok) throw new Error(`demo name ${name} is not a scenario`);
  return parsed.value;
}

/** A code that is in no catalogue, to show how the app explains codes it does not know. */
export const UNKNOWN_DEMO_CODE = '0x99';

/**
 * The simulator's built-in answers: the demo IIDs and PIDs, and what the real service answered
 * for the published blocked-key sample.
 */
export function builtInScenarios(): ScenarioTable {
  const table = emptyScenarioTable();
  table.iids.set(SAMPLE_BLOCKED.iid, { kind: 'error', code: SAMPLE_BLOCKED.errorCode });
  for (const [name, iid] of Object.entries(DEMO_IIDS)) {
    table.iids.set(iid, demoScenario(name as DemoName));
  }
  table.pids.set(DEMO_PIDS['none-left'], { kind: 'remaining', remaining: 0 });
  table.pids.set(DEMO_PIDS.blocked, { kind: 'error', code: '0x67' });
  return table;
}
