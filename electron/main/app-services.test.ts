import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fail, makeError, ok } from '../../shared/errors';
import { SAMPLE_SUCCESS } from '../../shared/protocol-samples';
import { DEFAULT_SETTINGS } from '../../shared/settings';
import { createAppServices } from './app-services';
import { ShowableError } from './ipc/ipc-main';
import { startSimulator, type Simulator } from '../simulator/simulator';

let simulator: Simulator;
let dataDir: string;
beforeEach(async () => {
  // It stands in for Microsoft: demo mode's requests reach it too, and are filed apart.
  simulator = await startSimulator({ identify: false });
  dataDir = await mkdtemp(path.join(tmpdir(), 'cid-desk-app-services-'));
});
afterEach(async () => {
  await simulator.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('app services', () => {
  it('files demo CIDs apart, even when demo and real requests reach the same address', async () => {
    const services = createAppServices({
      dataDir,
      fetch,
      endpoint: ok(new URL(simulator.url)),
      startSimulator: async () => simulator,
    });
    const real = await services.serviceFor({ ...DEFAULT_SETTINGS, demoMode: false });
    const demo = await services.serviceFor({ ...DEFAULT_SETTINGS, demoMode: true });
    expect(await demo.getCid({ iid: SAMPLE_SUCCESS.iid })).toMatchObject({
      ok: true,
      source: 'simulator',
    });
    // A demo CID never answers a real request: this one goes out.
    expect(await real.getCid({ iid: SAMPLE_SUCCESS.iid })).toMatchObject({
      ok: true,
      source: 'service',
      fromHistory: false,
    });
    expect(simulator.requestCount).toBe(2);
    expect(services.pending()).toBe(0);
  });

  it('turns an invalid endpoint setting into an error the window shows', async () => {
    const error = makeError('invalid-input', 'The endpoint is empty.', 'Unset it.');
    const services = createAppServices({
      dataDir,
      fetch,
      endpoint: fail(error),
      startSimulator: async () => simulator,
    });
    await expect(services.serviceFor(DEFAULT_SETTINGS)).rejects.toBeInstanceOf(ShowableError);
  });
});
