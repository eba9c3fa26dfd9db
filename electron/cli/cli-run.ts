import { readFile, stat } from 'node:fs/promises';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { version } from '../../package.json';
import type { CidOutcome, RemainingOutcome } from '../../shared/activation';
import { BATCH_CONCURRENCY } from '../../shared/batch';
import { scanIids } from '../../shared/iid-scan';
import { makeError, type CidDeskError } from '../../shared/errors';
import { isLoopback, resolveEndpoint } from '../activation/activation-client';
import { createActivationService, type ActivationService } from '../activation/activation-service';
import {
  batchRowToJson,
  cidJson,
  errorJson,
  EXIT,
  exitStatusFor,
  formatCidHuman,
  formatErrorHuman,
  formatHistoryHuman,
  formatRemainingHuman,
  historyJson,
  remainingJson,
} from './cli-output';
import { runBatch } from '../batch/batch-runner';
import { iidListText, MAX_BATCH_FILE_BYTES } from '../batch/iid-list-file';
import { lazyHistory } from '../history/history-access';
import { createNodeFetch, type NodeFetch } from '../activation/node-fetch';
import { startSimulator, type SimulatorRequest } from '../simulator/simulator';
import { readScenarioFile, type ScenarioTable } from '../simulator/simulator-scenarios';

/** What the command line needs from its process, passed in so tests can run it in-process too. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: Readonly<Record<string, string | undefined>>;
  /** Aborted on Ctrl+C / SIGTERM. */
  signal: AbortSignal;
  /** Whether stderr is a terminal, to show progress. */
  interactive: boolean;
  /** The data folder shared with the app (resolveDataDir). */
  dataDir: string;
  /**
   * Reads standard input, for `batch -`: all of it, or, once more than `maxBytes` have come, what
   * was read so far, so that the caller can tell it is too large without holding the rest.
   */
  readStdin(maxBytes: number): Promise<Uint8Array>;
}

const USAGE = `CID Desk ${version}: get a Confirmation ID for an Installation ID from Microsoft's BatchActivation service.

Usage:
  cid-desk get <IID> [--pid <EPID>] [--force] [--endpoint <URL>] [--timeout <seconds>] [--json] [--demo]
  cid-desk remaining <EPID> [--endpoint <URL>] [--timeout <seconds>] [--json] [--demo]
  cid-desk history [--query <text>] [--limit <N>] [--json]
  cid-desk batch <FILE | -> [--pid <EPID>] [--force] [--concurrency <N>] [--endpoint <URL>] [--timeout <seconds>] [--demo]
  cid-desk simulate [--port <N>] [--scenarios <FILE>] [--quiet]
  cid-desk --help | --version

Commands:
  get        Ask for the Confirmation ID of an Installation ID (54 or 63 digits; spaces and
             dashes are fine, the ID may also be given as several arguments).
             A successful request uses one activation of the product key. A CID
             obtained before for the same IID and PID is answered from the history,
             without asking again; --force asks again anyway (uses an activation).
  remaining  Ask how many activations remain for the MAK behind an Extended PID.
  history    List the requests made from this computer, newest first: CIDs obtained,
             errors, remaining counts. --query matches IID, CID, date or text; a date
             (YYYY-MM-DD) is the UTC day, as the listing shows it.
  batch      Find every Installation ID in a text or CSV file (or standard input, -) and
             ask for their CIDs, a few at a time (--concurrency, default 2, at most 8).
             The file may be UTF-8 or UTF-16 (as Windows PowerShell 5.1 writes it).
             Prints one JSON object per line: a row per ID, invalid ones included
             (always, so --json changes nothing).
  simulate   Run a local simulator of the activation service on 127.0.0.1, for testing.
             It prints its URL, then logs each request it answers (not with --quiet).
             --scenarios takes a JSON file of answers by IID or PID, for example
             {"iids": {"<IID>": "0x7F"}, "pids": {"<EPID>": "remaining:0"}}.

Options for get:
  --pid <EPID>         Your own Extended PID (slmgr.vbs /dlv shows it); a default is used otherwise.
  --force              Send even though the history already holds a CID for this IID.

Options for get and remaining:
  --endpoint <URL>     Another service URL: https://, or http:// to this machine only.
                       The environment variable CID_DESK_ENDPOINT does the same.
  --timeout <seconds>  How long to wait for the service (default 30).
  --json               Print exactly one JSON object instead of text.
  --demo               Ask the built-in simulator instead of Microsoft: no activation is used.

Proxies: HTTPS_PROXY, HTTP_PROXY and NO_PROXY are honoured.
The history is shared with the app: it lives in the per-user data folder, or in the folder
named by CID_DESK_DATA_DIR. The app's Settings are not used: the Extended PID and the timeout
come from --pid and --timeout only.

Exit status:
  0 CID obtained, 2 invalid input or usage, 3 the service answered with an error code,
  1 internal error or output that could not be written, 4 network failure or timeout,
  5 unexpected response from the service,
  6 the history cannot be read or written (nothing was sent), 130 interrupted.
  batch: 0 every ID got a CID, 2 no valid ID found, 10 some IDs failed or were invalid.
`;

const CONNECTION_OPTIONS = {
  endpoint: { type: 'string' },
  timeout: { type: 'string' },
  demo: { type: 'boolean' },
} satisfies ParseArgsConfig['options'];

const GET_OPTIONS = {
  ...CONNECTION_OPTIONS,
  pid: { type: 'string' },
  force: { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} satisfies ParseArgsConfig['options'];

const REMAINING_OPTIONS = {
  ...CONNECTION_OPTIONS,
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} satisfies ParseArgsConfig['options'];

const BATCH_OPTIONS = {
  ...CONNECTION_OPTIONS,
  pid: { type: 'string' },
  force: { type: 'boolean' },
  concurrency: { type: 'string' },
  // Accepted for symmetry with get: batch always prints JSON lines.
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} satisfies ParseArgsConfig['options'];

const HISTORY_OPTIONS = {
  query: { type: 'string' },
  limit: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} satisfies ParseArgsConfig['options'];

const SIMULATE_OPTIONS = {
  port: { type: 'string' },
  scenarios: { type: 'string' },
  quiet: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} satisfies ParseArgsConfig['options'];

class UsageError extends Error {}

function parse<O extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: O) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** Runs one `cid-desk` invocation and returns its exit status. Never throws for bad input. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case undefined:
        // A usage error: the usage goes where errors go, not into what a script reads.
        io.stderr(USAGE);
        return EXIT.usage;
      case '--help':
      case '-h':
      case 'help':
        io.stdout(USAGE);
        return EXIT.ok;
      case '--version':
      case '-v':
        io.stdout(`${version}\n`);
        return EXIT.ok;
      case 'get':
        return await runGet(rest, io);
      case 'remaining':
        return await runRemaining(rest, io);
      case 'history':
        return await runHistory(rest, io);
      case 'batch':
        return await runBatchCommand(rest, io);
      case 'simulate':
        return await runSimulate(rest, io);
      default:
        throw new UsageError(`Unknown command "${command}".`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`cid-desk: ${error.message}\nRun "cid-desk --help" for usage.\n`);
      // With --json a script reads stdout: it gets its one JSON object even for a usage error.
      if (argv.includes('--json')) {
        const usage = makeError('invalid-input', error.message, 'Run "cid-desk --help" for usage.');
        io.stdout(`${JSON.stringify({ ok: false, error: errorJson(usage) })}\n`);
      }
      return EXIT.usage;
    }
    return reportInternalError(error, argv.includes('--json'), io);
  }
}

/**
 * A bug: its stack for the report on stderr, and with --json the one JSON object a script expects,
 * of kind "internal" (exit status 1).
 */
function reportInternalError(error: unknown, json: boolean, io: CliIo): number {
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  io.stderr(`cid-desk: internal error: ${error instanceof Error ? error.stack : detail}\n`);
  if (json) {
    const internal = {
      kind: 'internal',
      code: null,
      message: 'cid-desk failed unexpectedly.',
      advice:
        'This is a bug: please report it with the detail. Before sending the same Installation ID again, run "cid-desk history": a request already sent is recorded there.',
      detail,
    };
    io.stdout(`${JSON.stringify({ ok: false, error: internal })}\n`);
  }
  return EXIT.internal;
}

/**
 * A whole number written in plain decimal digits. Number() alone would also take "0x10", "1e3",
 * " 2" and "" (as 0), none of which a person means as a count or a port.
 */
function decimal(raw: string): number | null {
  return /^\d+$/.test(raw) ? Number(raw) : null;
}

/** The UTC day of an instant, YYYY-MM-DD: the day the history listing prints. */
function utcDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/**
 * The shared history as the command line reads it: a date query matches the UTC day the listing
 * shows, rather than the local day the window uses.
 */
function cliHistory(io: CliIo) {
  return lazyHistory(io.dataDir, { localDay: utcDay });
}

/**
 * An Extended PID given but blank, as `--pid="$EPID"` with EPID unset gives it: a mistake to
 * report, not a wish for the default PID, which the request would otherwise quietly go out with.
 */
function blankPidError(pid: string | undefined): CidDeskError | null {
  if (pid === undefined || pid.trim() !== '') return null;
  return makeError(
    'invalid-input',
    'No Extended PID was given after --pid.',
    'Leave out --pid to use the default Extended PID, or give the "Extended PID" line that slmgr.vbs /dlv shows. When it comes from a variable, as in --pid="$EPID", that variable is empty or unset.',
  );
}

function parseTimeout(raw: string | undefined): number {
  if (raw === undefined) return 30_000;
  const seconds = Number(raw);
  if (!/^\d+(\.\d+)?$/.test(raw) || seconds < 1 || seconds > 600) {
    throw new UsageError(`--timeout takes a number of seconds from 1 to 600, not "${raw}".`);
  }
  return Math.round(seconds * 1000);
}

/** The service a command talks to: Microsoft's, another endpoint, or an in-process simulator. */
interface Connection {
  service: ActivationService;
  demo: boolean;
  host: string;
}

/**
 * Runs `use` with a service built from the command's options and the shared history, then
 * closes what was opened. An invalid endpoint is reported through `failWith`.
 */
async function withConnection(
  values: { endpoint?: string; timeout?: string; demo?: boolean },
  io: CliIo,
  failWith: (error: CidDeskError) => number,
  use: (connection: Connection) => Promise<number>,
): Promise<number> {
  const timeoutMs = parseTimeout(values.timeout);
  if (values.demo && values.endpoint) {
    throw new UsageError('--demo and --endpoint cannot be used together.');
  }
  const simulator = values.demo ? await startSimulator() : undefined;
  let nodeFetch: NodeFetch | undefined;
  try {
    const endpoint = resolveEndpoint(simulator?.url ?? values.endpoint ?? io.env.CID_DESK_ENDPOINT);
    if (!endpoint.ok) return failWith(endpoint.error);
    // An endpoint on this computer (the simulator) is reached directly, never through a proxy:
    // plain http is allowed only because it never leaves the machine.
    if (!isLoopback(endpoint.value.hostname)) nodeFetch = await createNodeFetch(io.env);
    const history = cliHistory(io);
    const store = await history.open();
    if (store.ok && store.value.loadNotice) {
      io.stderr(`Warning: ${store.value.loadNotice.message} ${store.value.loadNotice.advice}\n`);
    }
    const service = createActivationService({
      fetch: nodeFetch ?? fetch,
      endpoint: endpoint.value,
      timeoutMs,
      history: history.as(simulator ? 'simulator' : 'service'),
    });
    try {
      return await use({ service, demo: simulator !== undefined, host: endpoint.value.host });
    } finally {
      // Cancelled (Ctrl+C, a closed terminal, output that failed) or failed after the request was
      // sent: its answer may hold a CID that cost an activation.
      if (service.pending() > 0) {
        io.stderr(
          'Waiting for the answer already on its way, so that a Confirmation ID it brings is kept in the history. Press Ctrl+C again to quit now.\n',
        );
        await service.idle();
      }
    }
  } finally {
    await nodeFetch?.close();
    await simulator?.close();
  }
}

async function runGet(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, GET_OPTIONS);
  if (values.help) {
    io.stdout(USAGE);
    return EXIT.ok;
  }
  const json = values.json === true;
  const report = (outcome: CidOutcome, extra: Record<string, unknown> = {}): number => {
    if (json) io.stdout(`${cidJson(outcome, extra)}\n`);
    else if (outcome.ok) io.stdout(formatCidHuman(outcome));
    else io.stderr(formatErrorHuman(outcome.error));
    return outcome.ok ? EXIT.ok : exitStatusFor(outcome.error);
  };
  const failWith = (error: CidDeskError) => report({ ok: false, error });

  if (positionals.length === 0) {
    return failWith(
      makeError(
        'invalid-input',
        'No Installation ID was given.',
        'Run: cid-desk get <Installation ID>. The ID may contain spaces or dashes; quote it or give its groups as separate arguments.',
      ),
    );
  }
  const blankPid = blankPidError(values.pid);
  if (blankPid) return failWith(blankPid);
  return withConnection(values, io, failWith, async ({ service, demo, host }) => {
    if (io.interactive && !json) {
      io.stderr(
        demo
          ? 'Demo mode: asking the built-in simulator; no request reaches Microsoft.\n'
          : `Asking ${host} for a Confirmation ID…\n`,
      );
    }
    const outcome = await service.getCid({
      iid: positionals.join(' '),
      pid: values.pid ?? null,
      force: values.force === true,
      signal: io.signal,
    });
    return report(outcome, demo ? { demo: true } : {});
  });
}

async function runRemaining(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, REMAINING_OPTIONS);
  if (values.help) {
    io.stdout(USAGE);
    return EXIT.ok;
  }
  const json = values.json === true;
  const report = (outcome: RemainingOutcome, extra: Record<string, unknown> = {}): number => {
    if (json) io.stdout(`${remainingJson(outcome, extra)}\n`);
    else if (outcome.ok) io.stdout(formatRemainingHuman(outcome));
    else io.stderr(formatErrorHuman(outcome.error));
    return outcome.ok ? EXIT.ok : exitStatusFor(outcome.error);
  };
  const failWith = (error: CidDeskError) => report({ ok: false, error });
  if (positionals.length !== 1) {
    return failWith(
      makeError(
        'invalid-input',
        positionals.length === 0 ? 'No Extended PID was given.' : 'Give one Extended PID.',
        'Run: cid-desk remaining <Extended PID>. slmgr.vbs /dlv shows the Extended PID of a MAK.',
      ),
    );
  }
  return withConnection(values, io, failWith, async ({ service, demo }) => {
    const outcome = await service.getRemaining({ pid: positionals[0]!, signal: io.signal });
    return report(outcome, demo ? { demo: true } : {});
  });
}

/**
 * The text of the list of IDs, from a file or standard input, UTF-8 or UTF-16 alike (as the
 * window reads a file), and no larger than the window takes either.
 */
async function readBatchInput(source: string, io: CliIo): Promise<string> {
  const name = source === '-' ? 'Standard input' : source;
  const tooLarge = () =>
    new UsageError(
      `${name} is larger than ${MAX_BATCH_FILE_BYTES / 1024 / 1024} MB; a list of Installation IDs is far smaller.`,
    );
  const textOf = (bytes: Uint8Array): string => {
    const text = iidListText(bytes);
    if (text === undefined) throw new UsageError(`${name} is not a text file.`);
    return text;
  };
  try {
    if (source === '-') {
      const bytes = await io.readStdin(MAX_BATCH_FILE_BYTES);
      if (bytes.length > MAX_BATCH_FILE_BYTES) throw tooLarge();
      return textOf(bytes);
    }
    const info = await stat(source);
    if (info.size > MAX_BATCH_FILE_BYTES) throw tooLarge();
    return textOf(await readFile(source));
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`${name} could not be read: ${(error as Error).message}`);
  }
}

async function runBatchCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, BATCH_OPTIONS);
  if (values.help) {
    io.stdout(USAGE);
    return EXIT.ok;
  }
  if (positionals.length !== 1) {
    throw new UsageError('batch takes one file of Installation IDs, or - for standard input.');
  }
  const concurrency =
    values.concurrency === undefined ? BATCH_CONCURRENCY.default : decimal(values.concurrency);
  if (concurrency === null || concurrency < 1 || concurrency > BATCH_CONCURRENCY.max) {
    throw new UsageError(
      `--concurrency takes a whole number from 1 to ${BATCH_CONCURRENCY.max}, not "${values.concurrency}".`,
    );
  }
  // Every line says whether demo mode's simulator made it up, as get --json does.
  const mode = values.demo ? { demo: true } : {};
  const failWith = (error: CidDeskError) => {
    io.stdout(`${JSON.stringify({ ok: false, ...mode, error: errorJson(error) })}\n`);
    io.stderr(formatErrorHuman(error));
    return exitStatusFor(error);
  };
  const blankPid = blankPidError(values.pid);
  if (blankPid) return failWith(blankPid);
  const scan = scanIids(await readBatchInput(positionals[0]!, io));
  for (const invalid of scan.invalid) {
    io.stdout(
      `${JSON.stringify({ iid: invalid.text, ok: false, line: invalid.line, ...mode, error: errorJson(invalid.error) })}\n`,
    );
  }
  if (scan.found.length === 0) {
    io.stderr(
      `No valid Installation ID was found${scan.invalid.length > 0 ? `; ${scan.invalid.length} invalid ones are listed above` : ''}.\n`,
    );
    return EXIT.usage;
  }
  return withConnection(values, io, failWith, async ({ service, demo }) => {
    const result = await runBatch(
      scan.found.map((found) => found.digits),
      {
        concurrency,
        signal: io.signal,
        getCid: (iid, signal) =>
          service.getCid({ iid, pid: values.pid ?? null, force: values.force === true, signal }),
        onProgress: (event) => {
          if (event.status !== 'done') return;
          io.stdout(
            `${batchRowToJson({ index: event.index, iid: event.iid, duplicateOf: null, status: 'done', outcome: event.outcome }, mode)}\n`,
          );
        },
      },
    );
    for (const row of result.rows) {
      if (row.status === 'cancelled') io.stdout(`${batchRowToJson(row, mode)}\n`);
    }
    const { summary } = result;
    io.stderr(
      `${summary.total} Installation IDs${demo ? ' (demo)' : ''}: ${summary.obtained} CIDs obtained, ${summary.fromHistory} from history, ${summary.failed} failed, ${summary.cancelled} not sent; ${scan.invalid.length} invalid, ${scan.duplicates} duplicates dropped.\n`,
    );
    if (io.signal.aborted) return EXIT.interrupted;
    return summary.failed > 0 || summary.cancelled > 0 || scan.invalid.length > 0
      ? EXIT.partial
      : EXIT.ok;
  });
}

async function runHistory(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, HISTORY_OPTIONS);
  if (values.help) {
    io.stdout(USAGE);
    return EXIT.ok;
  }
  if (positionals.length > 0) throw new UsageError(`Unexpected argument "${positionals[0]}".`);
  const limit = values.limit === undefined ? undefined : decimal(values.limit);
  if (limit === null || (limit !== undefined && limit < 1)) {
    throw new UsageError(`--limit takes a whole number from 1, not "${values.limit}".`);
  }
  const store = await cliHistory(io).open();
  if (!store.ok) {
    if (values.json) io.stdout(`${JSON.stringify({ ok: false, error: errorJson(store.error) })}\n`);
    else io.stderr(formatErrorHuman(store.error));
    return exitStatusFor(store.error);
  }
  if (store.value.loadNotice) {
    io.stderr(`Warning: ${store.value.loadNotice.message} ${store.value.loadNotice.advice}\n`);
  }
  const page = store.value.list({
    ...(values.query !== undefined ? { query: values.query } : {}),
    ...(limit !== undefined ? { limit } : {}),
  });
  io.stdout(values.json ? `${historyJson(page)}\n` : formatHistoryHuman(page));
  return EXIT.ok;
}

async function runSimulate(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, SIMULATE_OPTIONS);
  if (values.help) {
    io.stdout(USAGE);
    return EXIT.ok;
  }
  if (positionals.length > 0) throw new UsageError(`Unexpected argument "${positionals[0]}".`);
  // An empty --port (--port="$PORT" with PORT unset) is refused rather than read as 0, any port.
  const port = values.port === undefined ? 0 : decimal(values.port);
  if (port === null || port > 65535) {
    throw new UsageError(`--port takes a port number from 0 to 65535, not "${values.port}".`);
  }
  let scenarios: ScenarioTable | undefined;
  if (values.scenarios !== undefined) {
    const table = await readScenarioFile(values.scenarios);
    if (!table.ok) throw new UsageError(table.error.message);
    scenarios = table.value;
  }
  const simulator = await startSimulator({
    port,
    ...(scenarios ? { scenarios } : {}),
    ...(values.quiet
      ? {}
      : {
          onRequest: (entry: SimulatorRequest) =>
            io.stderr(
              `#${entry.seq} ${entry.method} ${entry.iid ?? entry.pid ?? '-'} -> ${entry.scenario ?? `refused: ${entry.rejected}`}\n`,
            ),
        }),
  });
  io.stdout(`${simulator.url}\n`);
  io.stderr('Simulator of the BatchActivation service running. Press Ctrl+C to stop.\n');
  await new Promise<void>((resolve) => {
    if (io.signal.aborted) resolve();
    else io.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  await simulator.close();
  return EXIT.ok;
}
