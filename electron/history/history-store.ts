/**
 * The local history: every CID obtained, every error and every remaining-activations answer,
 * kept in `<data folder>/history.jsonl` so that an Installation ID that already has a CID is
 * answered from here instead of spending a second activation.
 *
 * The file format is a published contract (docs/data-folder.md): other versions of CID Desk read
 * and write the same file, and the app and the `cid-desk` command may use it at the same moment.
 * So the file is only ever appended to, one complete line per write, under an inter-process
 * writer lock; records this version does not understand are skipped but kept.
 */
import { randomUUID } from 'node:crypto';
import { constants } from 'node:fs';
import { copyFile, link, mkdir, open, rename, stat, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { groupsOfDigitsOk, normalizeDigits } from '../../shared/digits';
import {
  fail,
  makeError,
  ok,
  type CidDeskError,
  type ErrorKind,
  type Result,
} from '../../shared/errors';
import { parsePid } from '../../shared/pid';
import type {
  CidRecord,
  CidSource,
  DeleteRecord,
  ErrorRecord,
  HistoryEntry,
  HistoryRecord,
  NewHistoryEntry,
  RemainingRecord,
} from '../../shared/history';
import { acquireLock, errorCode } from '../storage/history-lock';

export type {
  CidRecord,
  CidSource,
  DeleteRecord,
  ErrorRecord,
  HistoryEntry,
  HistoryRecord,
  NewHistoryEntry,
  RemainingRecord,
};

export const HISTORY_FILE_NAME = 'history.jsonl';
/** The record version this code writes; it reads this one and skips higher ones. */
export const HISTORY_FORMAT_VERSION = 1;

/** Told to the user when the history file had to be moved aside. */
export interface HistoryNotice {
  message: string;
  advice: string;
  /** Where the damaged file now is. */
  movedTo: string;
  /** What was wrong, such as `line 12 is not valid JSON`. */
  reason: string;
}

export interface HistoryLoadReport {
  /** Records read, including ones skipped. */
  records: number;
  /** Records kept in the file but not understood by this version (unknown type or newer version). */
  skipped: number;
  /** Bytes of an incomplete last record (an interrupted write) cut from the end of the file. */
  droppedTailBytes: number;
  /** Set when the file was damaged and moved aside. */
  notice?: HistoryNotice;
}

export interface RefreshReport {
  /** Records read that other processes appended since the last read. */
  added: number;
  /** True when the file was replaced or shrank, so everything was read again. */
  reloaded: boolean;
  notice?: HistoryNotice;
}

export interface ListOptions {
  /**
   * Digits match within IIDs, CIDs and PIDs (spaces and dashes ignored); `YYYY-MM` or
   * `YYYY-MM-DD` matches entries of that local month or day; other text matches the Extended PID,
   * the error code and the error message, ignoring case.
   */
  query?: string;
  limit?: number;
  offset?: number;
  types?: readonly HistoryEntry['type'][];
}

export interface HistoryPage {
  /** How many entries match, before `offset` and `limit`. */
  total: number;
  /** Newest first. */
  entries: HistoryEntry[];
}

export interface HistoryStore {
  readonly dir: string;
  readonly path: string;
  /** Entries that count (not deleted). */
  readonly size: number;
  /** Set when the history file was found damaged and moved aside; the app tells the user. */
  readonly loadNotice: HistoryNotice | undefined;
  readonly loadReport: HistoryLoadReport;
  /**
   * The latest CID obtained for this IID (its ASCII digits, as parseIid gives them) with this
   * Extended PID (null: with any), not deleted, from memory: call refresh() first to see other
   * processes' appends. Only CIDs from `source` count, so a demo-mode CID never answers a real
   * request.
   */
  findCid(iid: string, pid: string | null, source?: CidSource): CidRecord | undefined;
  get(id: string): HistoryEntry | undefined;
  list(options?: ListOptions): HistoryPage;
  /** Appends an entry durably (written and flushed to disk before this resolves). */
  append(entry: NewHistoryEntry): Promise<Result<HistoryEntry>>;
  /** Deletes an entry by appending a tombstone. */
  delete(id: string): Promise<Result<DeleteRecord>>;
  /** Reads what other processes appended since the last read; one stat when nothing changed. */
  refresh(): Promise<Result<RefreshReport>>;
}

export interface HistoryOptions {
  now?: () => Date;
  newId?: () => string;
  /** The local calendar day of an instant as YYYY-MM-DD, for queries by date. */
  localDay?: (date: Date) => string;
  /** How long an append waits for another process's append; default 10 s. */
  lockTimeoutMs?: number;
  /** When another process's writer lock counts as abandoned; default 30 s. */
  lockStaleMs?: number;
}

/** The key the history indexes CIDs by; also a good key for the per-request lock. */
export function historyPairKey(iid: string, pid: string): string {
  return `${iid}|${pid}`;
}

/**
 * Opens the history in the data folder `dir` (created when missing) and reads it. A damaged file
 * is moved aside and a new history started with its readable records (see `loadNotice`); a file that cannot be read at
 * all gives a 'storage' error, and then nothing must be sent.
 */
export async function openHistory(
  dir: string,
  options: HistoryOptions = {},
): Promise<Result<HistoryStore>> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (error) {
    return fail(storageError('open', dir, error));
  }
  const store = new FileHistoryStore(dir, options);
  const loaded = await store.load();
  return loaded.ok ? ok(store) : loaded;
}

// ---------------------------------------------------------------------------------------------
// Record validation

/** What a line of the file holds. */
export type RecordCheck =
  | { kind: 'record'; record: HistoryRecord }
  /** A record from a newer version or of a type this version does not know: skipped, kept. */
  | { kind: 'foreign' }
  | { kind: 'invalid'; reason: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ERROR_KINDS: Record<ErrorKind, true> = {
  'invalid-input': true,
  service: true,
  network: true,
  'unexpected-response': true,
  storage: true,
};
const CID_SOURCES: Record<CidSource, true> = { service: true, simulator: true };
const KNOWN_TYPES = new Set(['cid', 'error', 'remaining', 'delete']);
// Histories hold few distinct Extended PIDs; checking each once keeps a large load fast.
const knownGoodPids = new Set<string>();

/** Checks one parsed line against the version 1 format, field by field. */
export function checkHistoryRecord(raw: unknown): RecordCheck {
  if (!isPlainObject(raw)) return invalid('is not a JSON object');
  const { v, type } = raw;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) {
    return invalid('has no valid version "v"');
  }
  if (v > HISTORY_FORMAT_VERSION) return { kind: 'foreign' };
  if (typeof raw.id !== 'string' || !UUID.test(raw.id)) return invalid('has no valid "id"');
  if (typeof raw.at !== 'string' || !isUtcInstant(raw.at)) return invalid('has no valid "at" time');
  if (typeof type !== 'string' || type.length === 0) return invalid('has no "type"');
  if (!KNOWN_TYPES.has(type)) return { kind: 'foreign' };
  const { id, at } = raw;

  switch (type) {
    case 'cid': {
      if (!isIid(raw.iid)) return invalid('"iid" is not a valid Installation ID');
      if (!isPid(raw.pid)) return invalid('"pid" is not a valid Extended PID');
      if (!isCid(raw.cid)) return invalid('"cid" is not a valid Confirmation ID');
      if (typeof raw.source !== 'string') return invalid('has no "source"');
      if (!Object.hasOwn(CID_SOURCES, raw.source)) return { kind: 'foreign' };
      const source = raw.source as CidSource;
      return record({ v: 1, id, at, type, iid: raw.iid, pid: raw.pid, cid: raw.cid, source });
    }
    case 'error': {
      if (raw.iid !== undefined && !isIid(raw.iid)) {
        return invalid('"iid" is not a valid Installation ID');
      }
      if (!isPid(raw.pid)) return invalid('"pid" is not a valid Extended PID');
      const error = raw.error;
      if (!isPlainObject(error)) return invalid('"error" is not an object');
      if (typeof error.kind !== 'string') return invalid('"error.kind" is missing');
      if (!Object.hasOwn(ERROR_KINDS, error.kind)) return { kind: 'foreign' };
      if (error.code !== null && !isErrorCode(error.code))
        return invalid('"error.code" is not valid');
      if (typeof error.message !== 'string') return invalid('"error.message" is not text');
      const reached = raw.mayHaveReachedService;
      if (reached !== undefined && typeof reached !== 'boolean') {
        return invalid('"mayHaveReachedService" is not true or false');
      }
      const sourceProblem = checkOptionalSource(raw.source);
      if (sourceProblem) return sourceProblem;
      const entry: ErrorRecord = {
        v: 1,
        id,
        at,
        type,
        ...(raw.iid === undefined ? {} : { iid: raw.iid as string }),
        pid: raw.pid,
        error: {
          kind: error.kind as ErrorKind,
          code: error.code as string | null,
          message: error.message,
        },
        ...(reached === undefined ? {} : { mayHaveReachedService: reached }),
      };
      if (raw.source !== undefined) entry.source = raw.source as CidSource;
      return record(entry);
    }
    case 'remaining': {
      if (!isPid(raw.pid)) return invalid('"pid" is not a valid Extended PID');
      const remaining = raw.remaining;
      if (typeof remaining !== 'number' || !Number.isSafeInteger(remaining)) {
        return invalid('"remaining" is not a whole number');
      }
      const sourceProblem = checkOptionalSource(raw.source);
      if (sourceProblem) return sourceProblem;
      const entry: RemainingRecord = { v: 1, id, at, type, pid: raw.pid, remaining };
      if (raw.source !== undefined) entry.source = raw.source as CidSource;
      return record(entry);
    }
    default: {
      if (typeof raw.target !== 'string' || !UUID.test(raw.target)) {
        return invalid('"target" is not a valid id');
      }
      return record({ v: 1, id, at, type: 'delete', target: raw.target });
    }
  }
}

/**
 * The optional `source` of an error or remaining record (absent in files written before it
 * existed, meaning the service): a value that is not text is damage; a name this version does not
 * know makes the record foreign, as for a CID. Undefined when it is fine.
 */
function checkOptionalSource(value: unknown): RecordCheck | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') return invalid('"source" is not text');
  return Object.hasOwn(CID_SOURCES, value) ? undefined : { kind: 'foreign' };
}

function record(value: HistoryRecord): RecordCheck {
  return { kind: 'record', record: value };
}

function invalid(reason: string): RecordCheck {
  return { kind: 'invalid', reason };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** `YYYY-MM-DDTHH:MM:SS[.fraction]Z`, a real calendar date and time of day, as toISOString writes. */
function isUtcInstant(text: string): boolean {
  const n = text.length;
  if (n < 20 || n > 30 || text.charCodeAt(n - 1) !== 0x5a /* Z */) return false;
  if (
    text[4] !== '-' ||
    text[7] !== '-' ||
    text[10] !== 'T' ||
    text[13] !== ':' ||
    text[16] !== ':'
  ) {
    return false;
  }
  // A fraction of 1 to 9 digits: n is at most 30.
  if (n > 20 && (text[19] !== '.' || n === 21 || numberAt(text, 20, n - 1) < 0)) return false;
  const year = numberAt(text, 0, 4);
  const month = numberAt(text, 5, 7);
  const day = numberAt(text, 8, 10);
  const hour = numberAt(text, 11, 13);
  const minute = numberAt(text, 14, 16);
  const second = numberAt(text, 17, 19);
  if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23) return false;
  if (minute < 0 || minute > 59 || second < 0 || second > 59) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days =
    month === 2
      ? leap
        ? 29
        : 28
      : month === 4 || month === 6 || month === 9 || month === 11
        ? 30
        : 31;
  return day <= days;
}

/** The number the ASCII digits text[from..to) spell, or -1 when one is not a digit. */
function numberAt(text: string, from: number, to: number): number {
  let value = 0;
  for (let i = from; i < to; i += 1) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

function isIid(value: unknown): value is string {
  if (typeof value !== 'string' || (value.length !== 54 && value.length !== 63)) return false;
  return groupsOfDigitsOk(value, value.length === 54 ? 6 : 7);
}

function isCid(value: unknown): value is string {
  return typeof value === 'string' && value.length === 48 && groupsOfDigitsOk(value, 6);
}

function isPid(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  if (knownGoodPids.has(value)) return true;
  const parsed = parsePid(value);
  if (!parsed.ok || parsed.value !== value) return false;
  if (knownGoodPids.size < 1000) knownGoodPids.add(value);
  return true;
}

function isErrorCode(value: unknown): value is string {
  // Not only 0x codes: other versions may record an HTTP status or a system error code.
  return (
    typeof value === 'string' && value.length > 0 && value.length <= 100 && !/\p{Cc}/u.test(value)
  );
}

// ---------------------------------------------------------------------------------------------
// Reading the file

interface Scan {
  records: HistoryRecord[];
  /** Complete lines read (blank ones included). */
  lines: number;
  skipped: number;
  /** Absolute offset just past the last complete line kept. */
  end: number;
  /** The last complete line was not JSON: the remains of an interrupted write. */
  tornLine: boolean;
  damage?: { line: number; reason: string };
}

const LF = 0x0a;
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Reads the complete lines of `bytes`, which start at file offset `base`. Bytes after the last
 * LF are an append in progress or an interrupted one, and so is a last line that is not JSON:
 * one write() puts a whole line, LF included, so only the last line can be cut short. Anything
 * wrong before that is damage.
 */
function scanHistory(bytes: Uint8Array, base: number): Scan {
  let start = 0;
  // An editor may have added a byte-order mark; it is harmless.
  if (base === 0 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) start = 3;
  const scan: Scan = { records: [], lines: 0, skipped: 0, end: base + start, tornLine: false };
  const lastLf = bytes.lastIndexOf(LF);
  if (lastLf < start) return scan;
  const before = lastLf > start ? bytes.lastIndexOf(LF, lastLf - 1) : -1;
  const bodyEnd = before >= start ? before + 1 : start;

  const body = decodeLines(bytes.subarray(start, bodyEnd));
  if (typeof body === 'number') {
    return { ...scan, damage: { line: body, reason: 'is not UTF-8 text' } };
  }
  for (const text of body) {
    scan.lines += 1;
    const problem = take(scan, text);
    if (problem) return { ...scan, damage: { line: scan.lines, reason: problem } };
  }
  scan.end = base + bodyEnd;

  let last: string;
  let parsed: unknown;
  try {
    last = utf8.decode(bytes.subarray(bodyEnd, lastLf));
    parsed = last.trim() === '' ? undefined : JSON.parse(last);
  } catch {
    return { ...scan, tornLine: true };
  }
  scan.lines += 1;
  if (parsed !== undefined) {
    const check = checkHistoryRecord(parsed);
    if (check.kind === 'invalid') {
      return { ...scan, damage: { line: scan.lines, reason: check.reason } };
    }
    if (check.kind === 'record') scan.records.push(check.record);
    else scan.skipped += 1;
  }
  scan.end = base + lastLf + 1;
  return scan;
}

/** The lines of a run of complete lines, or the 1-based number of the first that is not UTF-8. */
function decodeLines(bytes: Uint8Array): string[] | number {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    let line = 1;
    let from = 0;
    for (;;) {
      const lf = bytes.indexOf(LF, from);
      const to = lf === -1 ? bytes.length : lf;
      try {
        utf8.decode(bytes.subarray(from, to));
      } catch {
        return line;
      }
      if (lf === -1) return line;
      from = lf + 1;
      line += 1;
    }
  }
  const lines = text.split('\n');
  lines.pop();
  return lines;
}

/** Adds one line's record to the scan; returns what is wrong with it, if anything. */
function take(scan: Scan, text: string): string | undefined {
  if (text.trim() === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return 'is not valid JSON';
  }
  const check = checkHistoryRecord(parsed);
  if (check.kind === 'invalid') return check.reason;
  if (check.kind === 'record') scan.records.push(check.record);
  else scan.skipped += 1;
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// The store

/** The lock every process holds while it changes history.jsonl (append, cut a torn tail, move aside). */
export const HISTORY_WRITER_LOCK_KEY = 'history.jsonl writer';

interface FileIdentity {
  dev: bigint;
  ino: bigint;
}

class FileHistoryStore implements HistoryStore {
  readonly path: string;
  private readonly now: () => Date;
  private readonly newId: () => string;
  private readonly localDay: (date: Date) => string;
  private readonly lockTimeoutMs: number;
  private readonly lockStaleMs: number;

  /** Entries in file order, deleted ones included. */
  private entries: HistoryEntry[] = [];
  private byId = new Map<string, HistoryRecord>();
  private deleted = new Set<string>();
  /**
   * CID records by IID, in file order. An IID rarely has more than one, so a lone record is kept
   * as it is, sparing a large load one array per IID.
   */
  private cidsByIid = new Map<string, CidRecord | CidRecord[]>();
  private live = 0;
  /** File offset just past the last line read. */
  private offset = 0;
  private identity: FileIdentity | undefined;
  private notice: HistoryNotice | undefined;
  private report: HistoryLoadReport = { records: 0, skipped: 0, droppedTailBytes: 0 };
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly dir: string,
    options: HistoryOptions,
  ) {
    this.path = join(dir, HISTORY_FILE_NAME);
    this.now = options.now ?? (() => new Date());
    this.newId = options.newId ?? randomUUID;
    this.localDay = options.localDay ?? localCalendarDay;
    this.lockTimeoutMs = options.lockTimeoutMs ?? 10_000;
    this.lockStaleMs = options.lockStaleMs ?? 30_000;
  }

  get size(): number {
    return this.live;
  }

  get loadNotice(): HistoryNotice | undefined {
    return this.notice;
  }

  get loadReport(): HistoryLoadReport {
    return this.report;
  }

  findCid(iid: string, pid: string | null, source: CidSource = 'service'): CidRecord | undefined {
    const found = this.cidsByIid.get(iid);
    if (found === undefined) return undefined;
    if (!Array.isArray(found)) return this.answers(found, pid, source) ? found : undefined;
    for (let i = found.length - 1; i >= 0; i -= 1) {
      if (this.answers(found[i]!, pid, source)) return found[i];
    }
    return undefined;
  }

  /** Whether a CID record answers a request with this PID (null: any) from this source. */
  private answers(entry: CidRecord, pid: string | null, source: CidSource): boolean {
    return (
      (pid === null || entry.pid === pid) && entry.source === source && !this.deleted.has(entry.id)
    );
  }

  get(id: string): HistoryEntry | undefined {
    const entry = this.byId.get(id);
    return entry && entry.type !== 'delete' && !this.deleted.has(id) ? entry : undefined;
  }

  list(options: ListOptions = {}): HistoryPage {
    const matches = matcher(options.query ?? '', this.localDay);
    const types = options.types ? new Set(options.types) : undefined;
    const offset = Math.max(0, options.offset ?? 0);
    const limit = Math.max(0, options.limit ?? Number.POSITIVE_INFINITY);
    const page: HistoryEntry[] = [];
    let total = 0;
    for (let i = this.entries.length - 1; i >= 0; i -= 1) {
      const entry = this.entries[i]!;
      if (this.deleted.has(entry.id) || (types && !types.has(entry.type)) || !matches(entry)) {
        continue;
      }
      if (total >= offset && page.length < limit) page.push(entry);
      total += 1;
    }
    return { total, entries: page };
  }

  append(input: NewHistoryEntry): Promise<Result<HistoryEntry>> {
    const built = this.build(input);
    if (!built.ok) return Promise.resolve(built);
    return this.serial(() => this.write(built.value as HistoryEntry));
  }

  delete(id: string): Promise<Result<DeleteRecord>> {
    return this.serial(async () => {
      if (!this.get(id)) {
        return fail(
          makeError(
            'invalid-input',
            'That history entry does not exist or was already deleted.',
            'Reload the history list and try again.',
          ),
        );
      }
      const built = this.build({ type: 'delete', target: id });
      return built.ok ? this.write(built.value as DeleteRecord) : built;
    });
  }

  refresh(): Promise<Result<RefreshReport>> {
    return this.serial(() => this.catchUp(false));
  }

  /** First read, at open. */
  async load(): Promise<Result<RefreshReport>> {
    return this.serial(() => this.reload(false));
  }

  // -------------------------------------------------------------------------------------------

  private serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private build(input: NewHistoryEntry | { type: 'delete'; target: string }) {
    // Fixed key order keeps the file readable and its lines comparable.
    const header = { v: HISTORY_FORMAT_VERSION, id: this.newId(), at: this.now().toISOString() };
    let candidate: Record<string, unknown>;
    switch (input.type) {
      case 'cid':
        candidate = {
          ...header,
          type: 'cid',
          iid: input.iid,
          pid: input.pid,
          cid: input.cid,
          source: input.source,
        };
        break;
      case 'error':
        candidate = {
          ...header,
          type: 'error',
          ...(input.iid === undefined ? {} : { iid: input.iid }),
          pid: input.pid,
          error: { kind: input.error.kind, code: input.error.code, message: input.error.message },
          ...(input.mayHaveReachedService === undefined
            ? {}
            : { mayHaveReachedService: input.mayHaveReachedService }),
          ...(input.source === undefined ? {} : { source: input.source }),
        };
        break;
      case 'remaining':
        candidate = {
          ...header,
          type: 'remaining',
          pid: input.pid,
          remaining: input.remaining,
          ...(input.source === undefined ? {} : { source: input.source }),
        };
        break;
      default:
        candidate = { ...header, type: 'delete', target: input.target };
    }
    const check = checkHistoryRecord(candidate);
    if (check.kind !== 'record') {
      const reason = check.kind === 'invalid' ? check.reason : 'a value is not known';
      return fail(
        makeError(
          'invalid-input',
          `The history entry was not saved because it is not valid (${reason}).`,
          'This is a fault in CID Desk; please report it with the entry that could not be saved.',
        ),
      );
    }
    return ok(check.record);
  }

  private clear(): void {
    this.entries = [];
    this.byId = new Map();
    this.deleted = new Set();
    this.cidsByIid = new Map();
    this.live = 0;
    this.offset = 0;
  }

  private apply(record: HistoryRecord): void {
    // A line seen twice (copied by a sync tool, say) counts once.
    if (this.byId.has(record.id)) return;
    // Callers get these very objects: frozen, no caller can change the store by accident.
    if (record.type === 'error') Object.freeze(record.error);
    Object.freeze(record);
    this.byId.set(record.id, record);
    if (record.type === 'delete') {
      const target = this.byId.get(record.target);
      if (!this.deleted.has(record.target) && target && target.type !== 'delete') this.live -= 1;
      this.deleted.add(record.target);
      return;
    }
    this.entries.push(record);
    if (!this.deleted.has(record.id)) this.live += 1;
    if (record.type === 'cid') {
      const known = this.cidsByIid.get(record.iid);
      if (known === undefined) this.cidsByIid.set(record.iid, record);
      else if (Array.isArray(known)) known.push(record);
      else this.cidsByIid.set(record.iid, [known, record]);
    }
  }

  /** Reads what was appended since the last read, or everything when the file was replaced. */
  private async catchUp(locked: boolean): Promise<Result<RefreshReport>> {
    let info;
    try {
      info = await stat(this.path, { bigint: true });
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return this.reload(locked);
      return fail(storageError('read', this.path, error));
    }
    if (!info.isFile() || !this.sameFile(info) || info.size < BigInt(this.offset)) {
      return this.reload(locked);
    }
    if (info.size === BigInt(this.offset)) return ok({ added: 0, reloaded: false });

    let handle: FileHandle | undefined;
    let bytes: Buffer;
    try {
      handle = await open(this.path, 'r');
      // Read from the file that was checked, not from one that replaced it meanwhile.
      const opened = await handle.stat({ bigint: true });
      if (!this.sameFile(opened)) return this.reload(locked);
      bytes = await readRange(handle, this.offset, Number(opened.size));
    } catch (error) {
      return fail(storageError('read', this.path, error));
    } finally {
      await handle?.close().catch(() => undefined);
    }
    const scan = scanHistory(bytes, this.offset);
    if (scan.damage || scan.tornLine) return this.reload(locked);
    for (const record of scan.records) this.apply(record);
    this.report = {
      ...this.report,
      records: this.report.records + scan.records.length + scan.skipped,
      skipped: this.report.skipped + scan.skipped,
    };
    this.offset = scan.end;
    return ok({ added: scan.records.length + scan.skipped, reloaded: false });
  }

  /**
   * Reads the whole file. Cutting a torn tail and moving a damaged file aside both change the
   * file, so they happen under the writer lock, after reading it again: what looked torn may have
   * been another process's append in progress.
   */
  private async reload(locked: boolean): Promise<Result<RefreshReport>> {
    const read = await this.readWhole();
    if (!read.ok) return read;
    const { bytes, identity } = read.value;
    const scan = scanHistory(bytes, 0);
    const torn = bytes.length - scan.end;

    if ((scan.damage || torn > 0) && !locked) {
      const result = await this.underWriterLock(() => this.reload(true));
      return result.ok ? result.value : result;
    }

    if (scan.damage) {
      const moved = await this.moveAside(scan.damage, bytes);
      if (!moved.ok) return moved;
      return ok({ added: this.report.records, reloaded: true, notice: moved.value });
    }

    if (torn > 0) {
      try {
        await truncateFile(this.path, scan.end);
      } catch (error) {
        return fail(storageError('repair', this.path, error));
      }
    }
    this.clear();
    for (const record of scan.records) this.apply(record);
    this.offset = scan.end;
    this.identity = identity;
    this.report = {
      records: scan.records.length + scan.skipped,
      skipped: scan.skipped,
      droppedTailBytes: torn,
      ...(this.notice ? { notice: this.notice } : {}),
    };
    return ok({ added: scan.records.length + scan.skipped, reloaded: true });
  }

  private async readWhole(): Promise<Result<{ bytes: Buffer; identity: FileIdentity }>> {
    let handle: FileHandle | undefined;
    try {
      try {
        handle = await open(this.path, 'r');
      } catch (error) {
        if (errorCode(error) !== 'ENOENT') throw error;
        await createEmpty(this.path);
        await syncFolder(this.dir);
        handle = await open(this.path, 'r');
      }
      const info = await handle.stat({ bigint: true });
      if (!info.isFile()) return fail(notAFileError(this.path));
      const bytes = await handle.readFile();
      return ok({ bytes, identity: { dev: info.dev, ino: info.ino } });
    } catch (error) {
      if (errorCode(error) === 'EISDIR') return fail(notAFileError(this.path));
      return fail(storageError('read', this.path, error));
    } finally {
      await handle?.close().catch(() => undefined);
    }
  }

  /**
   * Moves a damaged file aside, never deleting it, and starts the new history with every record
   * that can still be read from it: each kept CID goes on protecting its IID from a second request.
   */
  private async moveAside(
    damage: { line: number; reason: string },
    bytes: Uint8Array,
  ): Promise<Result<HistoryNotice>> {
    const stamp = this.now()
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d+Z$/, 'Z');
    let movedTo = `${this.path}.damaged-${stamp}`;
    const salvage = salvageLines(bytes);
    const temporary = `${this.path}.salvage`;
    try {
      for (let n = 2; await exists(movedTo); n += 1) movedTo = `${this.path}.damaged-${stamp}-${n}`;
      // The readable records go to a flushed temporary file, the damaged file gets its second
      // name, and one rename puts the new file in place: whenever the process dies, history.jsonl
      // holds either the damaged file or what could be saved from it, never nothing.
      await writeFlushed(temporary, salvage.text);
      await link(this.path, movedTo).catch(() =>
        copyFile(this.path, movedTo, constants.COPYFILE_EXCL),
      );
      await rename(temporary, this.path);
      await syncFolder(this.dir);
      const info = await stat(this.path, { bigint: true });
      this.clear();
      const scan = scanHistory(Buffer.from(salvage.text, 'utf8'), 0);
      for (const record of scan.records) this.apply(record);
      this.offset = scan.end;
      this.identity = { dev: info.dev, ino: info.ino };
      this.report = {
        records: scan.records.length + scan.skipped,
        skipped: scan.skipped,
        droppedTailBytes: 0,
      };
    } catch (error) {
      return fail(storageError('repair', this.path, error));
    }
    const reason = `line ${damage.line} ${damage.reason}`;
    const kept =
      salvage.kept === 0
        ? 'No entry in it could be read, so CID Desk no longer recognises the Installation IDs it held and cannot stop a repeated request for one of them from spending another activation.'
        : `The ${salvage.kept} ${salvage.kept === 1 ? 'entry' : 'entries'} that could still be read ${salvage.kept === 1 ? 'was' : 'were'} kept, so ${salvage.kept === 1 ? 'its CID goes' : 'their CIDs go'} on being answered from the history; ${salvage.dropped} damaged ${salvage.dropped === 1 ? 'line was' : 'lines were'} left out.`;
    const notice: HistoryNotice = {
      message: `Your history file was damaged and has been moved aside to ${movedTo}; nothing in it was deleted. ${kept}`,
      advice: `Before you request a CID for a machine you have handled before, look for its Installation ID in ${movedTo} (a text file, one entry per line). What was wrong: ${reason}.`,
      movedTo,
      reason,
    };
    this.notice = notice;
    this.report = { ...this.report, notice };
    return ok(notice);
  }

  private sameFile(info: FileIdentity): boolean {
    return (
      this.identity !== undefined &&
      this.identity.dev === info.dev &&
      this.identity.ino === info.ino
    );
  }

  private async underWriterLock<T>(fn: () => Promise<T>): Promise<Result<T>> {
    const lock = await acquireLock(this.dir, HISTORY_WRITER_LOCK_KEY, {
      timeoutMs: this.lockTimeoutMs,
      staleMs: this.lockStaleMs,
      busyError: ({ path }) =>
        makeError(
          'storage',
          'Another CID Desk window or cid-desk command kept the history file busy for too long.',
          `Try again in a moment. If no other CID Desk is running, delete the file ${path}.`,
        ),
    });
    if (!lock.ok) return lock;
    try {
      return ok(await fn());
    } finally {
      await lock.value.release();
    }
  }

  /** Appends one record: one write() of one complete line, then a flush to disk. */
  private async write<R extends HistoryRecord>(record: R): Promise<Result<R>> {
    const line = Buffer.from(`${JSON.stringify(record)}\n`, 'utf8');
    const result = await this.underWriterLock(async (): Promise<Result<R>> => {
      // Read what other processes added first, so that the file and memory stay in step.
      const caught = await this.catchUp(true);
      if (!caught.ok) return caught;
      let handle: FileHandle | undefined;
      try {
        handle = await open(this.path, 'a');
        const info = await handle.stat({ bigint: true });
        if (!this.sameFile(info)) {
          return fail(
            makeError(
              'storage',
              'The history file was replaced while CID Desk was writing to it, so the entry was not saved.',
              'Try again.',
            ),
          );
        }
        // Past the last complete line can only be the remains of a writer that died mid-line
        // (the lock is ours): cut them, or this line would be glued to them. Cut through a
        // handle of its own: Windows refuses to truncate through one opened for appending.
        if (info.size > BigInt(this.offset)) await truncateFile(this.path, this.offset);
        const { bytesWritten } = await handle.write(line, 0, line.length, null);
        if (bytesWritten !== line.length) {
          await truncateFile(this.path, this.offset).catch(() => undefined);
          const short = new Error(`only ${bytesWritten} of ${line.length} bytes were written`);
          return fail(storageError('write', this.path, Object.assign(short, { code: 'ENOSPC' })));
        }
        await handle.datasync();
      } catch (error) {
        if (handle) await truncateFile(this.path, this.offset).catch(() => undefined);
        return fail(storageError('write', this.path, error));
      } finally {
        await handle?.close().catch(() => undefined);
      }
      this.offset += line.length;
      this.report = { ...this.report, records: this.report.records + 1 };
      this.apply(record);
      return ok(record);
    });
    return result.ok ? result.value : result;
  }
}

function matcher(
  query: string,
  localDay: (date: Date) => string,
): (entry: HistoryEntry) => boolean {
  const q = query.trim();
  if (q === '') return () => true;
  if (/^\d{4}-\d{2}(-\d{2})?$/.test(q)) {
    return (entry) => localDay(new Date(entry.at)).startsWith(q);
  }
  const { digits, invalidChars } = normalizeDigits(q);
  if (digits.length > 0 && invalidChars.length === 0) {
    return (entry) =>
      ('iid' in entry && entry.iid !== undefined && entry.iid.includes(digits)) ||
      (entry.type === 'cid' && entry.cid.includes(digits)) ||
      entry.pid.replace(/\D/g, '').includes(digits);
  }
  const needle = q.toLowerCase();
  return (entry) =>
    entry.pid.toLowerCase().includes(needle) ||
    (entry.type === 'error' &&
      ((entry.error.code ?? '').toLowerCase().includes(needle) ||
        entry.error.message.toLowerCase().includes(needle)));
}

function localCalendarDay(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

async function readRange(handle: FileHandle, from: number, to: number): Promise<Buffer> {
  const bytes = Buffer.alloc(Math.max(0, to - from));
  let done = 0;
  while (done < bytes.length) {
    const { bytesRead } = await handle.read(bytes, done, bytes.length - done, from + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return bytes.subarray(0, done);
}

async function truncateFile(path: string, length: number): Promise<void> {
  const handle = await open(path, 'r+');
  try {
    await handle.truncate(length);
    await handle.datasync();
  } finally {
    await handle.close();
  }
}

/**
 * The lines of a damaged file that are still whole, valid records (or records of a newer version,
 * kept as they are), each ending in LF; the rest is counted as dropped.
 */
function salvageLines(bytes: Uint8Array): { text: string; kept: number; dropped: number } {
  const lenient = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  let text = '';
  let kept = 0;
  let dropped = 0;
  let from = 0;
  while (from < bytes.length) {
    const lf = bytes.indexOf(LF, from);
    const to = lf === -1 ? bytes.length : lf;
    const raw = bytes.subarray(from, to);
    from = to + 1;
    let line: string;
    try {
      line = lenient
        .decode(raw)
        .replace(/^\ufeff/, '')
        .replace(/\r$/, '');
    } catch {
      dropped += 1;
      continue;
    }
    if (line.trim() === '') continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      dropped += 1;
      continue;
    }
    if (checkHistoryRecord(parsed).kind === 'invalid') {
      dropped += 1;
      continue;
    }
    text += `${line}\n`;
    if (checkHistoryRecord(parsed).kind === 'record') kept += 1;
  }
  return { text, kept, dropped };
}

async function writeFlushed(path: string, text: string): Promise<void> {
  const handle = await open(path, 'w');
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function createEmpty(path: string): Promise<void> {
  try {
    await (await open(path, 'wx')).close();
  } catch (error) {
    // Another process created it first: just as good.
    if (errorCode(error) !== 'EEXIST') throw error;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return false;
    throw error;
  }
}

/** Makes a new or renamed file's name durable too; folders cannot be opened for this on Windows. */
async function syncFolder(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Some file systems refuse; the data itself is already flushed.
  }
}

type StorageAction = 'open' | 'read' | 'write' | 'repair';

function storageError(action: StorageAction, path: string, error: unknown): CidDeskError {
  const code = errorCode(error);
  const what = {
    open: `open its data folder ${path}`,
    read: `read its history file ${path}`,
    write: `save to its history file ${path}`,
    repair: `repair its history file ${path}`,
  }[action];
  const why: Record<string, string> = {
    EACCES: 'permission was denied',
    EPERM: 'the operation was not permitted',
    ENOSPC: 'the disk is full',
    EDQUOT: 'the disk quota is used up',
    EROFS: 'the disk is read-only',
    ENOTDIR: 'part of the path is a file, not a folder',
    EISDIR: 'it is a folder, not a file',
    EBUSY: 'the file is in use by another program',
    EMFILE: 'too many files are open',
    EIO: 'the disk reported an input/output error',
  };
  const reason = (code && why[code]) ?? (code ? `error ${code}` : 'an unexpected error');
  const consequence =
    action === 'write'
      ? 'The entry was not saved.'
      : 'Without its history CID Desk cannot tell whether an Installation ID already has a Confirmation ID, so it sends nothing until this is fixed.';
  const advice: Record<string, string> = {
    ENOSPC: 'Free some disk space, then try again.',
    EDQUOT: 'Free some space in your quota, then try again.',
    EROFS: 'Choose a data folder on a writable disk (CID_DESK_DATA_DIR), then try again.',
  };
  return makeError(
    'storage',
    `CID Desk cannot ${what}: ${reason}. ${consequence}`,
    (code && advice[code]) ??
      'Check that the CID Desk data folder is a folder you may read and write, that no other program (such as a backup or antivirus tool) locks it, and try again.',
    { detail: error instanceof Error ? error.message : String(error) },
  );
}

function notAFileError(path: string): CidDeskError {
  return makeError(
    'storage',
    `CID Desk cannot read its history file ${path}: something other than a file stands at that path. Without its history CID Desk cannot tell whether an Installation ID already has a Confirmation ID, so it sends nothing until this is fixed.`,
    `Move whatever is at ${path} elsewhere (CID Desk then starts a new history), or put the history file back there.`,
  );
}
