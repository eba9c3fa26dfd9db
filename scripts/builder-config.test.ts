import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Configuration } from 'app-builder-lib';
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config';
import { DebugLogger } from 'builder-util';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..');

/** electron-builder.yml as electron-builder itself loads it. */
async function loadConfig(): Promise<Configuration> {
  return getConfig(ROOT, 'electron-builder.yml', null);
}

/** electron-builder's own check of a configuration against its JSON schema. */
function validate(config: Configuration): Promise<void> {
  return validateConfiguration(config, new DebugLogger(false));
}

describe('electron-builder.yml', () => {
  it('passes electron-builder validation', async () => {
    await expect(validate(await loadConfig())).resolves.toBeUndefined();
  });

  it('would fail validation with a misspelt or misplaced option', async () => {
    const config = await loadConfig();
    const { electronFuses, ...rest } = config;
    await expect(
      validate({ ...rest, electronFusess: electronFuses } as Configuration),
    ).rejects.toThrow(/configuration has an unknown property 'electronFusess'/);
    await expect(
      validate({
        ...config,
        electronFuses: { ...electronFuses, runAsNodee: false },
      } as Configuration),
    ).rejects.toThrow(/configuration\.electronFuses should be one of these/);
    await expect(
      validate({ ...config, nsis: { ...config.nsis, hardenedRuntime: true } } as Configuration),
    ).rejects.toThrow(/configuration\.nsis/);
    await expect(
      validate({
        ...config,
        mac: { ...config.mac, hardenedRuntime: 'yes' },
      } as unknown as Configuration),
    ).rejects.toThrow(/configuration\.mac/);
  });

  it('flips every security fuse', async () => {
    expect((await loadConfig()).electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('packs only the built app into an asar, with no source maps and no update feed', async () => {
    const config = await loadConfig();
    expect(config.appId).toBe('app.ciddesk.desktop');
    expect(config.productName).toBe('CID Desk');
    expect(config.asar).toBe(true);
    expect(config.files).toEqual([{ filter: ['package.json', 'dist/**/*', '!dist/**/*.map'] }]);
    expect(config.directories).toEqual({ output: 'release', buildResources: 'build' });
    expect(config.publish).toBeNull();
  });

  it('builds a per-user NSIS installer for x64 and arm64 that lets the user choose the folder', async () => {
    const config = await loadConfig();
    expect(config.win?.target).toEqual([{ target: 'nsis', arch: ['x64', 'arm64'] }]);
    expect(config.win?.icon).toBe('build/icon.ico');
    expect(config.nsis).toMatchObject({
      oneClick: false,
      perMachine: false,
      allowToChangeInstallationDirectory: true,
      deleteAppDataOnUninstall: false,
    });
  });

  it('builds hardened-runtime DMGs for x64 and arm64 with only the JIT entitlement', async () => {
    const config = await loadConfig();
    expect(config.mac).toMatchObject({
      target: [{ target: 'dmg', arch: ['x64', 'arm64'] }],
      icon: 'build/icon.icns',
      category: 'public.app-category.utilities',
      hardenedRuntime: true,
      entitlements: 'build/entitlements.mac.plist',
      entitlementsInherit: 'build/entitlements.mac.plist',
    });
    const plist = await readFile(path.join(ROOT, 'build', 'entitlements.mac.plist'), 'utf8');
    expect([...plist.matchAll(/<key>([^<]+)<\/key>/g)].map((m) => m[1])).toEqual([
      'com.apple.security.cs.allow-jit',
    ]);
  });
});
