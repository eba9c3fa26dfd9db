import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import packageJson from '../package.json';
import { SAMPLE_BLOCKED, SAMPLE_SUCCESS } from '../shared/protocol-samples';
import { startSimulator, type Simulator } from './simulator';

// The CLI is tested as users run it: the built bundle in a real child process.
const CLI = path.resolve('dist/electron/cli.cjs');

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], env: Record<string, string> = {}, input?: string): Promise<Run> {
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
    child.stdin?.end(input ?? '');
  });
}

/** The sample IID with one digit of group 3 changed, so that group fails its check digit. */
const TYPO_IN_GROUP_3 = `${SAMPLE_SUCCESS.iid.slice(0, 14)}${(Number(SAMPLE_SUCCESS.iid[14]) + 1) % 10}${SAMPLE_SUCCESS.iid.slice(15)}`;

let simulator: Simulator;
let dataDir: string;
beforeAll(async () => {
  simulator = await startSimulator();
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

  it('on Ctrl+C after sending, waits for the answer and keeps its CID, then exits 130', async () => {
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
    child.kill('SIGINT');
    const [code] = await once(child, 'exit');
    expect(code).toBe(130);
    expect(JSON.parse(stdout).error).toMatchObject({
      cause: 'cancelled',
      mayHaveReachedService: true,
    });
    expect(stderr).toContain('Waiting for the answer already on its way');
    const again = JSON.parse(
      (await cli(['get', SAMPLE_SUCCESS.iid, '--endpoint', simulator.url, '--json'])).stdout,
    );
    expect(again).toMatchObject({ ok: true, fromHistory: true, cid: SAMPLE_SUCCESS.cid });
    expect(simulator.requestCount).toBe(1);
  });

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
    // Through --endpoint the answer counts as the service's, so it is written as before.
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
