import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: process.cwd() });

/** The messages `npm run lint` gives for `code` placed at `filePath`. */
async function lint(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => `${m.ruleId}: ${m.message}`);
}

describe('the folder boundaries in eslint.config.js', () => {
  it('refuses a plain-Node folder importing main/, preload/, cli/ or electron', async () => {
    for (const spec of ['../main/ipc/ipc-main', '../preload/preload-api', '../cli/cli-output']) {
      expect(await lint('electron/activation/probe.ts', `export * from '${spec}';\n`)).toEqual([
        expect.stringMatching(/^no-restricted-imports: .*plain Node: they may not import/),
      ]);
    }
    expect(await lint('electron/history/probe.ts', `export { app } from 'electron';\n`)).toEqual([
      expect.stringMatching(/^no-restricted-imports: .*plain Node/),
    ]);
  });

  it('lets only main/, cli/ and tests import the simulator', async () => {
    const code = `export { startSimulator } from '../simulator/simulator';\n`;
    expect(await lint('electron/batch/probe.ts', code)).toEqual([
      expect.stringMatching(/^no-restricted-imports: .*stands in for Microsoft's service/),
    ]);
    expect(await lint('electron/cli/probe.ts', code)).toEqual([]);
    expect(await lint('electron/batch/probe.test.ts', code)).toEqual([]);
  });

  it('keeps the command line away from main/, preload/ and electron', async () => {
    expect(
      await lint('electron/cli/probe.ts', `export * from '../main/settings-store';\n`),
    ).toEqual([expect.stringMatching(/^no-restricted-imports: .*never loads Electron/)]);
    expect(
      await lint('electron/cli/commands/probe.ts', `export * from '../../preload/preload-api';\n`),
    ).toEqual([expect.stringMatching(/^no-restricted-imports: .*never loads Electron/)]);
  });

  it('allows the imports the rules permit', async () => {
    expect(
      await lint('electron/activation/probe.ts', `export * from '../history/history-store';\n`),
    ).toEqual([]);
    expect(
      await lint('electron/main/probe.ts', `export * from '../simulator/simulator';\n`),
    ).toEqual([]);
  });
});
