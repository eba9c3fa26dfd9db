import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

function cli(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { env: { PATH: process.env.PATH ?? '', ...env }, timeout: 20_000 },
      (error, stdout, stderr) => {
        const status = error && typeof error.code === 'number' ? error.code : error ? null : 0;
        resolve({ status, stdout, stderr });
      },
    );
  });
}

/** The sample IID with one digit of group 3 changed, so that group fails its check digit. */
const TYPO_IN_GROUP_3 = `${SAMPLE_SUCCESS.iid.slice(0, 14)}${(Number(SAMPLE_SUCCESS.iid[14]) + 1) % 10}${SAMPLE_SUCCESS.iid.slice(15)}`;

let simulator: Simulator;
beforeAll(async () => {
  simulator = await startSimulator();
});
afterAll(async () => {
  await simulator.close();
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
