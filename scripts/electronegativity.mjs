// Security scan of the Electron code with Doyensec's Electronegativity: `npm run security:scan`.
// Scans the main-process and preload sources (electron/) and the window's sources (renderer/,
// whose index.html carries the Content-Security-Policy), tests left out. Fails on any HIGH or
// MEDIUM finding that electronegativity-allowlist.json does not list with a reason, and on any
// allow-list entry that no longer matches a finding, so the list never outlives its reasons.
// The scan stays offline: translations come from the package itself, and the check that
// downloads Electron's release notes is left out (Electron upgrades are tracked with npm).
import { createRequire } from 'node:module';
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SCANNED = ['electron', 'renderer'];
const FAILING = new Set(['HIGH', 'MEDIUM']);
const EXCLUDED_CHECKS = ['AvailableSecurityFixesGlobalCheck'];
const ALLOWLIST = 'electronegativity-allowlist.json';

const require = createRequire(import.meta.url);

/** Makes the package's network helper answer "nothing new" instead of going online. */
function keepOffline() {
  const runner = require.resolve('@doyensec/electronegativity');
  const gotPath = require.resolve('got', { paths: [path.dirname(runner)] });
  const offline = () => Promise.resolve({ statusCode: 204, headers: {}, body: '' });
  offline.head = offline;
  require.cache[gotPath] = { id: gotPath, filename: gotPath, loaded: true, exports: offline };
  return require(runner);
}

async function readAllowlist() {
  const raw = JSON.parse(await readFile(path.join(ROOT, ALLOWLIST), 'utf8'));
  const entries = raw.allow;
  if (!Array.isArray(entries)) throw new Error(`${ALLOWLIST}: "allow" must be a list`);
  for (const [index, entry] of entries.entries()) {
    for (const key of ['check', 'file', 'reason']) {
      if (typeof entry[key] !== 'string' || entry[key].trim() === '') {
        throw new Error(`${ALLOWLIST}: entry ${index + 1} needs a non-empty "${key}"`);
      }
    }
  }
  return entries;
}

function isTest(file) {
  return /\.test\.tsx?$/.test(file) || file.endsWith('test-setup.ts');
}

async function scan() {
  const run = keepOffline();
  const packageJson = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8'));
  const electronVersion = packageJson.devDependencies.electron.replace(/^[\^~]/, '');
  // A copy without tests: they hold deliberately hostile URLs and fake Electron objects.
  const copy = await mkdtemp(path.join(tmpdir(), 'cid-desk-electronegativity-'));
  try {
    for (const folder of SCANNED) {
      await cp(path.join(ROOT, folder), path.join(copy, folder), {
        recursive: true,
        filter: (source) => !isTest(source),
      });
    }
    const result = await run({
      input: copy,
      electronVersionOverride: electronVersion,
      customScan: [],
      excludeFromScan: EXCLUDED_CHECKS,
      parserPlugins: [],
    });
    const where = (file) =>
      file === 'N/A' ? file : path.relative(copy, file).split(path.sep).join('/');
    return {
      electronVersion,
      checks: result.globalChecks + result.atomicChecks,
      errors: result.errors.map((e) => ({ ...e, file: where(e.file) })),
      issues: result.issues.map((issue) => ({
        check: issue.id,
        severity: issue.severity.name,
        confidence: issue.confidence.name,
        file: where(issue.file),
        line: issue.location.line,
        description: issue.description,
        url: issue.shortenedURL,
      })),
    };
  } finally {
    await rm(copy, { recursive: true, force: true });
  }
}

async function main() {
  const allowlist = await readAllowlist();
  const { electronVersion, checks, errors, issues } = await scan();
  console.log(
    `Electronegativity: ${checks} checks on ${SCANNED.map((f) => `${f}/`).join(' and ')} (Electron ${electronVersion}); left out: ${EXCLUDED_CHECKS.join(', ')}.`,
  );
  let failed = false;
  for (const error of errors) {
    console.log(
      `${error.tolerable ? 'warning' : 'ERROR'}: could not fully parse ${error.file}: ${error.message}`,
    );
    if (!error.tolerable) failed = true;
  }
  const used = new Set();
  for (const issue of issues) {
    const failing = FAILING.has(issue.severity);
    const allowed = allowlist.find((e) => e.check === issue.check && e.file === issue.file);
    if (allowed) used.add(allowed);
    const verdict = !failing ? 'note' : allowed ? 'allowed' : 'FAIL';
    if (verdict === 'FAIL') failed = true;
    console.log(
      `${verdict.padEnd(7)} ${issue.severity}/${issue.confidence} ${issue.check} ${issue.file}:${issue.line}\n        ${issue.description} (${issue.url ?? 'no link'})` +
        (allowed ? `\n        allowed because: ${allowed.reason}` : ''),
    );
  }
  for (const entry of allowlist) {
    if (!used.has(entry)) {
      failed = true;
      console.log(
        `STALE   ${ALLOWLIST} lists ${entry.check} in ${entry.file}, which is no longer found: remove it.`,
      );
    }
  }
  if (issues.length === 0) console.log('No findings.');
  console.log(failed ? 'Security scan FAILED.' : 'Security scan passed.');
  process.exitCode = failed ? 1 : 0;
}

await main();
