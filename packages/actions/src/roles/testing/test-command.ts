import type { Sandbox } from '../../sandbox/sandbox.js';
import { listFolder } from '../../shared/fs-lookups.js';
import { probeOnce } from '../../shared/tool-versions.js';
import { findVenv, installedPackages } from '../backend/venv.js';
import { readPackageJson } from '../frontend/package-json.js';

/** A test runner the testing role knows. */
export type TestFramework = 'pytest' | 'unittest' | 'npm' | 'node';

/** How to run a workspace's tests. */
export interface TestCommand {
  framework: TestFramework;
  command: string;
  args: string[];
}

/** The counts of a test run, as far as the runner's summary tells. */
export interface TestCounts {
  passed: number;
  failed: number;
  errors: number;
}

const NPM_DEFAULT_TEST = 'no test specified';

async function names(sandbox: Sandbox, dir: string): Promise<string[]> {
  return listFolder(await sandbox.resolvePath(dir)) ?? [];
}

/**
 * Finds the workspace's tests: an npm `test` script, else Python test files (pytest when it
 * can be imported, else unittest), else Node test files (`node --test`).
 */
export async function detectTestCommand(
  sandbox: Sandbox,
  signal?: AbortSignal,
): Promise<TestCommand | undefined> {
  const pkg = await readPackageJson(sandbox).catch(() => undefined);
  const script = pkg?.scripts?.test;
  if (script && !script.includes(NPM_DEFAULT_TEST)) {
    return { framework: 'npm', command: 'npm', args: ['test'] };
  }
  const files = [
    ...(await names(sandbox, '.')),
    ...(await names(sandbox, 'tests')),
    ...(await names(sandbox, 'test')),
  ];
  if (files.some((file) => /^test_.*\.py$|_test\.py$/.test(file))) {
    const venv = await findVenv(sandbox);
    const python = venv ? `${venv}/bin/python` : 'python3';
    return (await hasPytest(sandbox, venv, python, signal))
      ? { framework: 'pytest', command: python, args: ['-m', 'pytest', '-q'] }
      : { framework: 'unittest', command: python, args: ['-m', 'unittest', 'discover', '-v'] };
  }
  if (
    files.some((file) => /\.test\.[cm]?js$/.test(file)) ||
    (await names(sandbox, 'test')).length > 0
  ) {
    return { framework: 'node', command: 'node', args: ['--test'] };
  }
  return undefined;
}

const count = (text: string, pattern: RegExp): number => {
  let total = 0;
  for (const match of text.matchAll(pattern)) total += Number(match[1]);
  return total;
};

/** Reads passed/failed/error counts from a runner's summary. Unknown formats count zero. */
export function parseTestCounts(output: string): TestCounts {
  // pytest: "2 passed, 1 failed, 1 error in 0.1s"
  const pytest =
    /(?:\d+ (?:passed|failed|errors?|skipped|xfailed|xpassed|warnings?|deselected)(?:, )?)+ in [\d.]+s/.exec(
      output,
    )?.[0];
  if (pytest) {
    return {
      passed: count(pytest, /(\d+) passed/g),
      failed: count(pytest, /(\d+) failed/g),
      errors: count(pytest, /(\d+) errors?/g),
    };
  }
  // unittest: "Ran 3 tests" then "OK" or "FAILED (failures=1, errors=1)"
  const ran = /Ran (\d+) tests?/.exec(output);
  if (ran) {
    const failed = Number(/failures=(\d+)/.exec(output)?.[1] ?? 0);
    const errors = Number(/errors=(\d+)/.exec(output)?.[1] ?? 0);
    return { passed: Number(ran[1]) - failed - errors, failed, errors };
  }
  // node --test (TAP or spec reporter): "# pass 2", "# fail 1" / "ℹ pass 2"
  if (/^[#ℹ] (pass|fail) \d+/m.test(output)) {
    return {
      passed: count(output, /^[#ℹ] pass (\d+)/gm),
      failed: count(output, /^[#ℹ] fail (\d+)/gm),
      errors: 0,
    };
  }
  return { passed: 0, failed: 0, errors: 0 };
}

/**
 * Whether pytest can be imported: a venv's own dist-info says so without a process; the system
 * interpreter is asked once per process (issue 15: nothing probed twice).
 */
async function hasPytest(
  sandbox: Sandbox,
  venv: string | undefined,
  python: string,
  signal: AbortSignal | undefined,
): Promise<boolean> {
  if (venv) {
    const installed = await installedPackages(sandbox, venv);
    return installed.some((entry) => /^pytest==/i.test(entry));
  }
  return (await probeOnce(sandbox, python, ['-c', 'import pytest'], signal)) === 0;
}
