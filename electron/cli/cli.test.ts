import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, existsSync, openSync } from 'node:fs';
import path from 'node:path';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import packageJson from '../../package.json';
import type { HistoryRecord } from '../../shared/history';
import { SAMPLE_BLOCKED, SAMPLE_SUCCESS } from '../../shared/protocol-samples';
import { cidEntry } from '../../shared/test-support/history-entries';
import { runCli } from './cli-run';
import { HISTORY_FILE_NAME } from '../history/history-store';
import { startSimulator, type Simulator } from '../simulator/simulator';
import { deriveIid } from '../simulator/simulator-scenarios';

// The CLI is tested as users run it: the built bundle in a real child process.
const CLI = path.resolve('dist/electron/cli.cjs');

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function cli(
  args: string[],
  env: Record<string, string> = {},
  input?: string | Uint8Array,
): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [CLI, ...args],
      {
        env: { PATH: process.env.PATH ?? '', CID_DESK_DATA_DIR: dataDir, ...env },
        timeout: 20_000,
      },
      (error, stdout, stderr) => {
        const status = error && typeof error.code === 'number' ? error.code : error ? null : 0;
        resolve({ status, stdout, stderr });
      },
    );
    // A CLI that stops reading early (a too large input) must not fail the test with EPIPE.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(input ?? '');
  });
}

/** Every record of the history file in the data folder, in file order. */
async function historyOnDisk(): Promise<HistoryRecord[]> {
  const text = await readFile(path.join(dataDir, HISTORY_FILE_NAME), 'utf8');
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as HistoryRecord);
}

/** The IIDs the history holds a CID for. */
async function iidsWithCid(): Promise<string[]> {
  return (await historyOnDisk()).flatMap((record) => (record.type === 'cid' ? [record.iid] : []));
}

/** Text as Windows PowerShell 5.1's `>` writes it: UTF-16LE behind a byte order mark, CR LF. */
function utf16le(lines: string[]): Buffer {
  return Buffer.concat([
    Buffer.from([0xff, 0xfe]),
    Buffer.from(lines.map((line) => `${line}\r\n`).join(''), 'utf16le'),
  ]);
}

/** A stack trace line, which no user should see for a failure the CLI knows about. */
const STACK_LINE = /^\s+at /m;

/** The sample IID with one digit of group 3 changed, so that group fails its check digit. */
const TYPO_IN_GROUP_3 = `${SAMPLE_SUCCESS.iid.slice(0, 14)}${(Number(SAMPLE_SUCCESS.iid[14]) + 1) % 10}${SAMPLE_SUCCESS.iid.slice(15)}`;

let simulator: Simulator;
let dataDir: string;
beforeAll(async () => {
  // It stands in for Microsoft's service: what it answers is filed as the service's.
  simulator = await startSimulator({ identify: false });
});
afterAll(async () => {
  await simulator.close();
});
beforeEach(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'cid-desk-cli-'));
  simulator.reset();
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('cid-desk get', () => {
  it('--demo --json prints one JSON object with the CID in 8 groups', async () => {
    const run = await cli(['get', SAMPLE_SUCCESS.iid, '--demo', '--json']);
    expect(run.status).toBe(0);
    expect(run.stderr).toBe('');
    const lines = run.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const json = JSON.parse(lines[0]!);
    expect(json).toMatchObject({
      ok: true,
      iid: SAMPLE_SUCCESS.iid,
      pid: '00000-00138-207-109016-00-1033-26100.0000-0922026',
      cid: SAMPLE_SUCCESS.cid,
      groups: ['062722', '477945', '868792', '870895', '165923', '782876', '591463', '700690'],
      demo: true,
    });
  });

  it('exits 2 and names group 3 for a typo there, without sending anything', async () => {
    const before = simulator.requestCount;
    const run = await cli(['get', TYPO_IN_GROUP_3, '--endpoint', simulator.url, '--json']);
    expect(run.status).toBe(2);
    const json = JSON.parse(run.stdout);
    expect(json).toMatchObject({
      ok: false,
      error: {
        kind: 'invalid-input',
        code: null,
        message: 'Group 3 of the Installation ID does not pass its check digit.',
        badGroups: [3],
      },
    });
    expect(typeof json.error.advice).toBe('string');
    expect(simulator.requestCount).toBe(before);
  });

  it('shows the CID in groups A to H for people, with the commands that use it', async () => {
    const groups = SAMPLE_SUCCESS.iid.match(/.{7}/g)!;
    const run = await cli(['get', ...groups], { CID_DESK_ENDPOINT: simulator.url });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(
      '  A       B       C       D       E       F       G       H\n  062722  477945  868792  870895  165923  782876  591463  700690\n',
    );
    expect(run.stdout).toContain(`slmgr.vbs /atp ${SAMPLE_SUCCESS.cid}`);
    expect(run.stdout).toContain(`cscript ospp.vbs /actcid:${SAMPLE_SUCCESS.cid}`);
  });

  it('exits 3 with the explanation of a service error code', async () => {
    const run = await cli(['get', SAMPLE_BLOCKED.iid, '--endpoint', simulator.url]);
    expect(run.status).toBe(3);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('(0x67)');
    expect(run.stderr).toContain('The product key has been blocked.');
    expect(run.stderr).toContain('Phone activation: will not help for this code.');
  });

  it('exits 4 when nothing listens at the endpoint', async () => {
    const closed = await startSimulator();
    const url = closed.url;
    await closed.close();
    const run = await cli(['get', SAMPLE_SUCCESS.iid, '--endpoint', url, '--json']);
    expect(run.status).toBe(4);
    expect(JSON.parse(run.stdout).error).toMatchObject({ kind: 'network', cause: 'refused' });
  });

  it('refuses a plain-http endpoint that is not this machine', async () => {
    const run = await cli([
      'get',
      SAMPLE_SUCCESS.iid,
      '--endpoint',
      'http://example.com/x',
      '--json',
    ]);
    expect(run.status).toBe(2);
    expect(JSON.parse(run.stdout).error.kind).toBe('invalid-input');
  });

  it('rejects unknown options and bad timeouts as usage errors', async () => {
    const unknown = await cli(['get', SAMPLE_SUCCESS.iid, '--frobnicate']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/^cid-desk: .*frobnicate/);
    const timeout = await cli(['get', SAMPLE_SUCCESS.iid, '--timeout', 'soon']);
    expect(timeout.status).toBe(2);
    expect(timeout.stderr).toContain(
      '--timeout takes a number of seconds from 1 to 600, not "soon".',
    );
    const json = await cli(['get', SAMPLE_SUCCESS.iid, '--timeout', 'soon', '--json']);
    expect(json.status).toBe(2);
    expect(JSON.parse(json.stdout)).toMatchObject({
      ok: false,
      error: {
        kind: 'invalid-input',
        message: '--timeout takes a number of seconds from 1 to 600, not "soon".',
      },
    });
  });

  it('reaches an endpoint on this computer directly, even with a proxy configured', async () => {
    const run = await cli(['get', SAMPLE_SUCCESS.iid, '--endpoint', simulator.url, '--json'], {
      HTTPS_PROXY: 'http://127.0.0.1:9',
      HTTP_PROXY: 'http://127.0.0.1:9',
    });
    expect(JSON.parse(run.stdout)).toMatchObject({ ok: true, cid: SAMPLE_SUCCESS.cid });
    expect(simulator.requestCount).toBe(1);
  });
});

describe('never twice', () => {
  it('answers a known IID from the history, and sends again only with --force', async () => {
    const args = ['get', SAMPLE_SUCCESS.iid, '--endpoint', simulator.url, '--json'];
    const first = JSON.parse((await cli(args)).stdout);
    const second = await cli(args);
    expect(second.status).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({
      ok: true,
      cid: SAMPLE_SUCCESS.cid,
      fromHistory: true,
      obtainedAt: first.obtainedAt,
    });
    expect(simulator.requestCount).toBe(1);
    const human = await cli(args.slice(0, -1));
    expect(human.stdout).toContain('answered from the history, no activation was used.');
    const forced = JSON.parse((await cli([...args, '--force'])).stdout);
    expect(forced).toMatchObject({ ok: true, fromHistory: false });
    expect(simulator.requestCount).toBe(2);
  });

  it('lets two CLIs started at once for one IID reach the service once', async () => {
    simulator.setScenario({ iid: SAMPLE_SUCCESS.iid }, { kind: 'slow', delayMs: 500 });
    const args = ['get', SAMPLE_SUCCESS.iid, '--endpoint', simulator.url, '--json'];
    const runs = await Promise.all([cli(args), cli(args), cli(args)]);
    expect(runs.map((run) => run.status)).toEqual([0, 0, 0]);
    const fromHistory = runs.map((run) => JSON.parse(run.stdout).fromHistory).sort();
    expect(fromHistory).toEqual([false, true, true]);
    expect(simulator.requestCount).toBe(1);
  });

  it.each([
    ['Ctrl+C', 'SIGINT'],
    // A closed terminal or a dropped SSH session.
    ['SIGHUP', 'SIGHUP'],
  ] as const)(
    'on %s after sending, waits for the answer and keeps its CID, then exits 130',
    async (_name, signal) => {
      simulator.setScenario({ iid: SAMPLE_SUCCESS.iid }, { kind: 'slow', delayMs: 600 });
      const child = spawn(
        process.execPath,
        [CLI, 'get', SAMPLE_SUCCESS.iid, '--endpoint', simulator.url, '--json'],
        { env: { PATH: process.env.PATH ?? '', CID_DESK_DATA_DIR: dataDir }, stdio: 'pipe' },
      );
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      await expect.poll(() => simulator.requestCount).toBe(1);
      process.kill(child.pid!, signal);
      const [code, killedBy] = await once(child, 'exit');
      expect(killedBy).toBeNull();
      expect(code).toBe(130);
      expect(JSON.parse(stdout).error).toMatchObject({
        cause: 'cancelled',
        mayHaveReachedService: true,
      });
      expect(stderr).toContain('Waiting for the answer already on its way');
      expect(await iidsWithCid()).toEqual([SAMPLE_SUCCESS.iid]);
      const again = JSON.parse(
        (await cli(['get', SAMPLE_SUCCESS.iid, '--endpoint', simulator.url, '--json'])).stdout,
      );
      expect(again).toMatchObject({ ok: true, fromHistory: true, cid: SAMPLE_SUCCESS.cid });
      expect(simulator.requestCount).toBe(1);
    },
  );

  it('refuses to send when the history cannot be read, exit 6', async () => {
    await writeFile(path.join(dataDir, 'blocker'), 'a file, not a folder');
    const run = await cli(['get', SAMPLE_SUCCESS.iid, '--endpoint', simulator.url, '--json'], {
      CID_DESK_DATA_DIR: path.join(dataDir, 'blocker'),
    });
    expect(run.status).toBe(6);
    expect(JSON.parse(run.stdout).error.kind).toBe('storage');
    expect(simulator.requestCount).toBe(0);
  });

  it('lists the history, newest first, as JSON and as text', async () => {
    await cli(['get', SAMPLE_SUCCESS.iid, '--endpoint', simulator.url]);
    await cli(['get', SAMPLE_BLOCKED.iid, '--endpoint', simulator.url]);
    const json = JSON.parse((await cli(['history', '--json'])).stdout);
    expect(json).toMatchObject({
      ok: true,
      total: 2,
      entries: [
        { type: 'error', iid: SAMPLE_BLOCKED.iid, error: { kind: 'service', code: '0x67' } },
        { type: 'cid', iid: SAMPLE_SUCCESS.iid, cid: SAMPLE_SUCCESS.cid, source: 'service' },
      ],
    });
    const text = await cli(['history', '--query', '062722']);
    expect(text.stdout).toMatch(
      new RegExp(
        `^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC  CID        ${SAMPLE_SUCCESS.iid}  062722-477945-868792-870895-165923-782876-591463-700690\n$`,
      ),
    );
  });

  it('says which entries demo mode made up, errors and counts too', async () => {
    const pid = '55041-00172-033-600075-03-1033-7601.0000-1412012';
    await cli(['get', SAMPLE_BLOCKED.iid, '--demo']);
    await cli(['remaining', pid, '--demo']);
    await cli(['remaining', pid, '--endpoint', simulator.url]);
    const json = JSON.parse((await cli(['history', '--json'])).stdout);
    expect(json).toMatchObject({
      ok: true,
      total: 3,
      entries: [
        { type: 'remaining', pid },
        { type: 'remaining', pid, source: 'simulator' },
        { type: 'error', iid: SAMPLE_BLOCKED.iid, source: 'simulator' },
      ],
    });
    // The stand-in for Microsoft sends no simulator header: its count is written as the service's.
    expect(json.entries[0]).not.toHaveProperty('source');
    const lines = (await cli(['history'])).stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/ left$/);
    expect(lines[1]).toContain(` UTC  remaining  ${pid}  `);
    expect(lines[1]).toMatch(/ left {2}\(demo\)$/);
    expect(lines[2]).toContain(` UTC  error      ${SAMPLE_BLOCKED.iid}  0x67: `);
    expect(lines[2]).toMatch(/ {2}\(demo\)$/);
  });
});

describe('a standalone simulator (cid-desk simulate) given as --endpoint', () => {
  it("has its made-up CIDs filed as the simulator's, never answering a real request", async () => {
    const standalone = await startSimulator();
    try {
      const fake = JSON.parse(
        (await cli(['get', SAMPLE_SUCCESS.iid, '--endpoint', standalone.url, '--json'])).stdout,
      );
      expect(fake).toMatchObject({ ok: true, fromHistory: false, source: 'simulator' });
      // The service (here its stand-in) is asked: the simulator's CID does not answer for it.
      const real = JSON.parse(
        (await cli(['get', SAMPLE_SUCCESS.iid, '--endpoint', simulator.url, '--json'])).stdout,
      );
      expect(real).toMatchObject({ ok: true, fromHistory: false, source: 'service' });
      expect(standalone.requestCount).toBe(1);
      expect(simulator.requestCount).toBe(1);
      const entries = JSON.parse((await cli(['history', '--json'])).stdout).entries;
      expect(entries.map((entry: { source: string }) => entry.source)).toEqual([
        'service',
        'simulator',
      ]);
    } finally {
      await standalone.close();
    }
  });
});

describe('cid-desk remaining', () => {
  it('reports the activations left on a key', async () => {
    const pid = '55041-00172-033-600075-03-1033-7601.0000-1412012';
    simulator.setScenario({ pid }, { kind: 'remaining', remaining: 0 });
    const run = await cli(['remaining', pid, '--endpoint', simulator.url]);
    expect(run).toMatchObject({
      status: 0,
      stdout: `No activations are left on the key behind Extended PID ${pid}.\n`,
    });
    const json = JSON.parse(
      (await cli(['remaining', pid, '--endpoint', simulator.url, '--json'])).stdout,
    );
    expect(json).toEqual({ ok: true, pid, remaining: 0 });
  });

  it('refuses a malformed Extended PID without sending', async () => {
    const run = await cli(['remaining', '12345', '--endpoint', simulator.url, '--json']);
    expect(run.status).toBe(2);
    expect(simulator.requestCount).toBe(0);
  });
});

describe('cid-desk batch', () => {
  it('finds the IIDs in a CSV, prints one JSON line per row, and skips what history knows', async () => {
    await cli(['get', SAMPLE_SUCCESS.iid, '--endpoint', simulator.url]);
    const file = path.join(dataDir, 'machines.csv');
    const grouped = SAMPLE_SUCCESS.iid.match(/.{7}/g)!.join('-');
    await writeFile(
      file,
      `host,installation id\r\npc-1,"${grouped}"\r\npc-2,${SAMPLE_BLOCKED.iid}\r\npc-3,${TYPO_IN_GROUP_3}\r\npc-4,${SAMPLE_SUCCESS.iid}\r\n`,
    );
    const run = await cli(['batch', file, '--endpoint', simulator.url]);
    expect(run.status).toBe(10);
    const lines = run.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines).toHaveLength(3);
    expect(lines.find((l) => l.line === 4)).toMatchObject({
      ok: false,
      error: { kind: 'invalid-input', badGroups: [3] },
    });
    expect(lines.find((l) => l.iid === SAMPLE_SUCCESS.iid)).toMatchObject({
      ok: true,
      fromHistory: true,
      cid: SAMPLE_SUCCESS.cid,
    });
    expect(lines.find((l) => l.iid === SAMPLE_BLOCKED.iid)).toMatchObject({
      ok: false,
      error: { code: '0x67' },
    });
    expect(run.stderr).toContain(
      '2 Installation IDs: 0 CIDs obtained, 1 from history, 1 failed, 0 not sent; 1 invalid, 1 duplicates dropped.',
    );
    // One request for the first get, one for the blocked IID; the known IID cost nothing.
    expect(simulator.requestCount).toBe(2);
  });

  it('reads standard input with -, and exits 0 when every IID got a CID', async () => {
    const run = await cli(['batch', '-', '--demo'], {}, `${SAMPLE_SUCCESS.iid}\n`);
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      iid: SAMPLE_SUCCESS.iid,
      ok: true,
      cid: SAMPLE_SUCCESS.cid,
    });
  });

  it('exits 2 when the input holds no Installation ID', async () => {
    const run = await cli(['batch', '-', '--demo'], {}, 'nothing to see here 12345\n');
    expect(run.status).toBe(2);
    expect(run.stderr).toBe('No valid Installation ID was found.\n');
  });
});

describe('cid-desk', () => {
  it('prints its version and help', async () => {
    const version = await cli(['--version']);
    expect(version).toEqual({ status: 0, stdout: `${packageJson.version}\n`, stderr: '' });
    const help = await cli(['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('cid-desk get <IID>');
  });

  it('simulate prints its URL, answers requests, and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, [CLI, 'simulate', '--port', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const [chunk] = (await once(child.stdout, 'data')) as [Buffer];
    const url = chunk.toString().trim();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
    const run = await cli(['get', SAMPLE_SUCCESS.iid, '--endpoint', url, '--json']);
    expect(JSON.parse(run.stdout).cid).toBe(SAMPLE_SUCCESS.cid);
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
  });
});

describe('output that cannot be written, and a terminal that closes', () => {
  /** Runs the CLI with its standard output on /dev/full, where every write fails with ENOSPC. */
  async function toFullDisk(args: string[]): Promise<{ code: number | null; stderr: string }> {
    const full = openSync('/dev/full', 'w');
    try {
      const child = spawn(process.execPath, [CLI, ...args], {
        env: { PATH: process.env.PATH ?? '', CID_DESK_DATA_DIR: dataDir },
        stdio: ['ignore', full, 'pipe'],
      });
      let stderr = '';
      child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const [code] = (await once(child, 'exit')) as [number | null];
      return { code, stderr };
    } finally {
      closeSync(full);
    }
  }

  it.skipIf(!existsSync('/dev/full'))(
    'batch --demo > /dev/full keeps the CID it obtained and exits 1, without a stack trace',
    async () => {
      const file = path.join(dataDir, 'ids.txt');
      await writeFile(file, `${SAMPLE_SUCCESS.iid}\n`);
      const run = await toFullDisk(['batch', file, '--demo']);
      expect(run.code).toBe(1);
      expect(run.stderr).not.toMatch(STACK_LINE);
      expect(run.stderr).toContain('cid-desk: standard output could not be written (ENOSPC).');
      expect(await iidsWithCid()).toEqual([SAMPLE_SUCCESS.iid]);
    },
  );

  it.skipIf(!existsSync('/dev/full'))(
    'stops sending once output fails, and records the answer to every request already sent',
    async () => {
      const iids = Array.from({ length: 8 }, (_, i) => deriveIid(`full disk ${i}`));
      for (const iid of iids) simulator.setScenario({ iid }, { kind: 'slow', delayMs: 100 });
      const file = path.join(dataDir, 'ids.txt');
      await writeFile(file, `${iids.join('\n')}\n`);
      const run = await toFullDisk(['batch', file, '--endpoint', simulator.url]);
      expect(run.code).toBe(1);
      expect(run.stderr).not.toMatch(STACK_LINE);
      const sent = simulator.requests.map((request) => request.iid);
      // No one could see the answers, so no further activation was spent on them...
      expect(sent.length).toBeGreaterThan(0);
      expect(sent.length).toBeLessThan(iids.length);
      // ...but every request that went out had its CID kept.
      expect((await iidsWithCid()).sort()).toEqual([...sent].sort());
    },
  );
});

describe('input checks', () => {
  it('refuses an empty --pid (an unset variable) as it refuses a blank one, without sending', async () => {
    const args = ['get', SAMPLE_SUCCESS.iid, '--endpoint', simulator.url, '--json'];
    const empty = await cli([...args, '--pid=']);
    const blank = await cli([...args, '--pid', '   ']);
    expect(empty.status).toBe(2);
    expect(blank.status).toBe(2);
    const error = JSON.parse(empty.stdout).error;
    expect(error).toMatchObject({
      kind: 'invalid-input',
      message: 'No Extended PID was given after --pid.',
    });
    expect(JSON.parse(blank.stdout).error).toEqual(error);
    const human = await cli(['get', SAMPLE_SUCCESS.iid, '--endpoint', simulator.url, '--pid=']);
    expect(human.status).toBe(2);
    expect(human.stderr).toContain('No Extended PID was given after --pid.');
    const batch = await cli(
      ['batch', '-', '--endpoint', simulator.url, '--pid='],
      {},
      SAMPLE_SUCCESS.iid,
    );
    expect(batch.status).toBe(2);
    expect(JSON.parse(batch.stdout).error.message).toBe('No Extended PID was given after --pid.');
    expect(simulator.requestCount).toBe(0);
  });

  it('takes counts and ports in plain decimal digits only', async () => {
    const refused: [string[], string][] = [
      [['history', '--limit', '0x2'], '--limit takes a whole number from 1, not "0x2".'],
      [['history', '--limit', ' 2'], '--limit takes a whole number from 1, not " 2".'],
      [
        ['batch', '-', '--demo', '--concurrency', '1e0'],
        '--concurrency takes a whole number from 1 to 8, not "1e0".',
      ],
      [
        ['batch', '-', '--demo', '--concurrency', '0x2'],
        '--concurrency takes a whole number from 1 to 8, not "0x2".',
      ],
      [['simulate', '--port', '0x50'], '--port takes a port number from 0 to 65535, not "0x50".'],
      [['simulate', '--port='], '--port takes a port number from 0 to 65535, not "".'],
      [
        ['get', SAMPLE_SUCCESS.iid, '--timeout', '1e1'],
        '--timeout takes a number of seconds from 1 to 600, not "1e1".',
      ],
    ];
    for (const [args, message] of refused) {
      const run = await cli(args, {}, `${SAMPLE_SUCCESS.iid}\n`);
      expect({ args, status: run.status, stderr: run.stderr }).toEqual({
        args,
        status: 2,
        stderr: `cid-desk: ${message}\nRun "cid-desk --help" for usage.\n`,
      });
    }
    expect(simulator.requestCount).toBe(0);
    const history = await cli(['history', '--limit', '007', '--json']);
    expect(history.status).toBe(0);
  });

  it('prints the usage to stderr when no command is given, and to stdout for --help', async () => {
    const none = await cli([]);
    expect(none.status).toBe(2);
    expect(none.stdout).toBe('');
    expect(none.stderr).toContain('cid-desk get <IID>');
    const help = await cli(['--help']);
    expect(help).toMatchObject({ status: 0, stdout: none.stderr, stderr: '' });
  });

  it('under --json, prints one JSON object for an internal error too, exit 1', async () => {
    let stdout = '';
    let stderr = '';
    const status = await runCli(['get', SAMPLE_SUCCESS.iid, '--json'], {
      stdout: (text) => (stdout += text),
      stderr: (text) => (stderr += text),
      // A bug stands in here: reading the environment throws.
      env: new Proxy({} as Record<string, string | undefined>, {
        get: () => {
          throw new Error('the environment broke');
        },
      }),
      signal: new AbortController().signal,
      interactive: false,
      dataDir,
      readStdin: async () => new Uint8Array(),
    });
    expect(status).toBe(1);
    expect(stdout.endsWith('\n')).toBe(true);
    expect(stdout.trimEnd().split('\n')).toHaveLength(1);
    expect(JSON.parse(stdout)).toEqual({
      ok: false,
      error: {
        kind: 'internal',
        code: null,
        message: 'cid-desk failed unexpectedly.',
        advice:
          'This is a bug: please report it with the detail. Before sending the same Installation ID again, run "cid-desk history": a request already sent is recorded there.',
        detail: 'Error: the environment broke',
      },
    });
    expect(stderr).toMatch(/^cid-desk: internal error: Error: the environment broke\n\s+at /);
  });

  it('says the history is shared with the app but its Settings are not', async () => {
    const help = (await cli(['--help'])).stdout;
    expect(help).toContain(
      "The history is shared with the app: it lives in the per-user data folder, or in the folder\nnamed by CID_DESK_DATA_DIR. The app's Settings are not used: the Extended PID and the timeout\ncome from --pid and --timeout only.\n",
    );
    expect(help).not.toContain('settings live');
    expect(help).toContain(
      'a date\n             (YYYY-MM-DD) is the UTC day, as the listing shows it.',
    );
  });
});

describe('batch: sources, demo mode and encodings', () => {
  it('marks every line of a demo batch, and names who issued each CID', async () => {
    const run = await cli(
      ['batch', '-', '--demo'],
      {},
      `${SAMPLE_SUCCESS.iid}\n${TYPO_IN_GROUP_3}\n`,
    );
    expect(run.status).toBe(10);
    const lines = run.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toHaveLength(2);
    expect(lines.find((line) => line.ok === true)).toMatchObject({
      iid: SAMPLE_SUCCESS.iid,
      cid: SAMPLE_SUCCESS.cid,
      source: 'simulator',
      demo: true,
    });
    expect(lines.find((line) => line.ok === false)).toMatchObject({ line: 2, demo: true });
  });

  it('gives each CID its source, as the history files it, and no demo mark outside demo mode', async () => {
    const run = await cli(
      ['batch', '-', '--endpoint', simulator.url],
      {},
      `${SAMPLE_SUCCESS.iid}\n`,
    );
    expect(run.status).toBe(0);
    const line = JSON.parse(run.stdout) as Record<string, unknown>;
    const [record] = await historyOnDisk();
    expect(record).toMatchObject({ type: 'cid', iid: SAMPLE_SUCCESS.iid });
    expect(line.source).toBe(record!.type === 'cid' ? record!.source : 'missing');
    expect(line).not.toHaveProperty('demo');
  });

  it('accepts --json, which changes nothing: batch always prints JSON lines', async () => {
    const run = await cli(['batch', '-', '--demo', '--json'], {}, `${SAMPLE_SUCCESS.iid}\n`);
    expect(run.status).toBe(0);
    expect(run.stdout.trimEnd().split('\n')).toHaveLength(1);
    expect(JSON.parse(run.stdout)).toMatchObject({
      iid: SAMPLE_SUCCESS.iid,
      ok: true,
      cid: SAMPLE_SUCCESS.cid,
      demo: true,
    });
  });

  it('reads a UTF-16 file, as Windows PowerShell 5.1 writes one, from a file or standard input', async () => {
    const bytes = utf16le(['Installation ID', SAMPLE_SUCCESS.iid, SAMPLE_BLOCKED.iid]);
    // Real UTF-16: every ASCII character followed by a zero byte.
    expect([...bytes.subarray(0, 4)]).toEqual([0xff, 0xfe, 0x49, 0x00]);
    const file = path.join(dataDir, 'ids.txt');
    await writeFile(file, bytes);
    for (const run of [
      await cli(['batch', file, '--demo']),
      await cli(['batch', '-', '--demo'], {}, bytes),
    ]) {
      expect(run.status).toBe(10);
      const lines = run.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(lines).toHaveLength(2);
      expect(lines.find((line) => line.iid === SAMPLE_SUCCESS.iid)).toMatchObject({
        ok: true,
        cid: SAMPLE_SUCCESS.cid,
      });
      expect(lines.find((line) => line.iid === SAMPLE_BLOCKED.iid)).toMatchObject({
        ok: false,
        error: { code: '0x67' },
      });
    }
  });

  it('refuses standard input larger than a file may be, without sending', async () => {
    const big = Buffer.alloc(5 * 1024 * 1024 + 1, `${SAMPLE_SUCCESS.iid}\n`);
    const run = await cli(['batch', '-', '--endpoint', simulator.url], {}, big);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(
      'cid-desk: Standard input is larger than 5 MB; a list of Installation IDs is far smaller.',
    );
    expect(simulator.requestCount).toBe(0);
  });

  it('refuses a file that is not text, as the window does, without sending', async () => {
    const binary = Buffer.concat([Buffer.from(`${SAMPLE_SUCCESS.iid}\n`), Buffer.from([0, 1, 2])]);
    const run = await cli(['batch', '-', '--endpoint', simulator.url], {}, binary);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('cid-desk: Standard input is not a text file.');
    expect(simulator.requestCount).toBe(0);
  });
});

describe('history and remaining counts', () => {
  it('matches a date query against the UTC day the listing shows, whatever the time zone', async () => {
    // 23:30 UTC on the 14th is already the 15th in Kiritimati (UTC+14).
    const late = cidEntry({ at: '2025-03-14T23:30:00.000Z' });
    await writeFile(path.join(dataDir, HISTORY_FILE_NAME), `${JSON.stringify(late)}\n`);
    const env = { TZ: 'Pacific/Kiritimati' };
    const listed = await cli(['history'], env);
    expect(listed.stdout).toMatch(/^2025-03-14 23:30 UTC {2}CID/);
    const sameDay = JSON.parse(
      (await cli(['history', '--query', '2025-03-14', '--json'], env)).stdout,
    );
    expect(sameDay.total).toBe(1);
    const localDay = JSON.parse(
      (await cli(['history', '--query', '2025-03-15', '--json'], env)).stdout,
    );
    expect(localDay.total).toBe(0);
  });

  it('says when the service gave no count, in the answer and in the history', async () => {
    const pid = '55041-00172-033-600075-03-1033-7601.0000-1412012';
    simulator.setScenario({ pid }, { kind: 'remaining', remaining: -1 });
    const run = await cli(['remaining', pid, '--endpoint', simulator.url]);
    expect(run).toMatchObject({
      status: 0,
      stdout: `The service did not give a count for the key behind Extended PID ${pid}.\n`,
    });
    const json = await cli(['remaining', pid, '--endpoint', simulator.url, '--json']);
    expect(JSON.parse(json.stdout)).toEqual({ ok: true, pid, remaining: -1 });
    const lines = (await cli(['history'])).stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    for (const line of lines)
      expect(line).toMatch(
        new RegExp(
          ` UTC {2}remaining {2}${pid.replace(/\./g, '\\.')} {2}no count given( {2}\\(demo\\))?$`,
        ),
      );
  });
});
