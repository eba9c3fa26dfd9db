import { parseArgs, type ParseArgsConfig } from 'node:util';
import packageJson from '../package.json';
import type { CidOutcome } from '../shared/activation';
import { makeError, type CidDeskError } from '../shared/errors';
import { resolveEndpoint } from './activation-client';
import { createActivationService } from './activation-service';
import { cidJson, EXIT, exitStatusFor, formatCidHuman, formatErrorHuman } from './cli-output';
import { createNodeFetch } from './node-fetch';
import { startSimulator, type SimulatorRequest } from './simulator';
import { readScenarioFile, type ScenarioTable } from './simulator-scenarios';

/** What the command line needs from its process, passed in so tests can run it in-process too. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: Readonly<Record<string, string | undefined>>;
  /** Aborted on Ctrl+C / SIGTERM. */
  signal: AbortSignal;
  /** Whether stderr is a terminal, to show progress. */
  interactive: boolean;
}

const USAGE = `CID Desk ${packageJson.version}: get a Confirmation ID for an Installation ID from Microsoft's BatchActivation service.

Usage:
  cid-desk get <IID> [--pid <EPID>] [--endpoint <URL>] [--timeout <seconds>] [--json] [--demo]
  cid-desk simulate [--port <N>] [--scenarios <FILE>] [--quiet]
  cid-desk --help | --version

Commands:
  get        Ask for the Confirmation ID of an Installation ID (54 or 63 digits; spaces and
             dashes are fine, the ID may also be given as several arguments).
             A successful request uses one activation of the product key.
  simulate   Run a local simulator of the activation service on 127.0.0.1, for testing.
             It prints its URL, then logs each request it answers (not with --quiet).
             --scenarios takes a JSON file of answers by IID or PID, for example
             {"iids": {"<IID>": "0x7F"}, "pids": {"<EPID>": "remaining:0"}}.

Options for get:
  --pid <EPID>         Your own Extended PID (slmgr.vbs /dlv shows it); a default is used otherwise.
  --endpoint <URL>     Another service URL: https://, or http:// to this machine only.
                       The environment variable CID_DESK_ENDPOINT does the same.
  --timeout <seconds>  How long to wait for the service (default 30).
  --json               Print exactly one JSON object instead of text.
  --demo               Ask the built-in simulator instead of Microsoft: no activation is used.

Proxies: HTTPS_PROXY, HTTP_PROXY and NO_PROXY are honoured.

Exit status:
  0 CID obtained, 2 invalid input or usage, 3 the service answered with an error code,
  4 network failure or timeout, 5 unexpected response from the service, 130 interrupted.
`;

const GET_OPTIONS = {
  pid: { type: 'string' },
  endpoint: { type: 'string' },
  timeout: { type: 'string' },
  json: { type: 'boolean' },
  demo: { type: 'boolean' },
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
      case '--help':
      case '-h':
      case 'help':
        io.stdout(USAGE);
        return command === undefined ? EXIT.usage : EXIT.ok;
      case '--version':
      case '-v':
        io.stdout(`${packageJson.version}\n`);
        return EXIT.ok;
      case 'get':
        return await runGet(rest, io);
      case 'simulate':
        return await runSimulate(rest, io);
      default:
        throw new UsageError(`Unknown command "${command}".`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`cid-desk: ${error.message}\nRun "cid-desk --help" for usage.\n`);
      return EXIT.usage;
    }
    throw error;
  }
}

function parseTimeout(raw: string | undefined): number {
  if (raw === undefined) return 30_000;
  const seconds = Number(raw);
  if (!/^\d+(\.\d+)?$/.test(raw) || seconds < 1 || seconds > 600) {
    throw new UsageError(`--timeout takes a number of seconds from 1 to 600, not "${raw}".`);
  }
  return Math.round(seconds * 1000);
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
  const timeoutMs = parseTimeout(values.timeout);
  if (values.demo && values.endpoint) {
    throw new UsageError('--demo and --endpoint cannot be used together.');
  }

  const simulator = values.demo ? await startSimulator() : undefined;
  let onExit: (() => Promise<void> | undefined) | undefined;
  try {
    const endpoint = resolveEndpoint(simulator?.url ?? values.endpoint ?? io.env.CID_DESK_ENDPOINT);
    if (!endpoint.ok) return failWith(endpoint.error);
    // The simulator is on this machine: no proxy may stand between the two.
    const nodeFetch = simulator ? undefined : await createNodeFetch(io.env);
    onExit = () => nodeFetch?.close();
    const service = createActivationService({
      fetch: nodeFetch ?? fetch,
      endpoint: endpoint.value,
      timeoutMs,
    });
    if (io.interactive && !json) {
      io.stderr(
        simulator
          ? 'Demo mode: asking the built-in simulator; no request reaches Microsoft.\n'
          : `Asking ${endpoint.value.host} for a Confirmation ID…\n`,
      );
    }
    const outcome = await service.getCid({
      iid: positionals.join(' '),
      pid: values.pid ?? null,
      signal: io.signal,
    });
    return report(outcome, simulator ? { demo: true } : {});
  } finally {
    await onExit?.();
    await simulator?.close();
  }
}

async function runSimulate(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, SIMULATE_OPTIONS);
  if (values.help) {
    io.stdout(USAGE);
    return EXIT.ok;
  }
  if (positionals.length > 0) throw new UsageError(`Unexpected argument "${positionals[0]}".`);
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
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
