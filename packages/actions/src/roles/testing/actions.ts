import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { ActionDefinition } from '../../action.js';
import type { Sandbox } from '../../sandbox/sandbox.js';
import { defineAction } from '../../shared/define-action.js';
import { describeCommand, failed, succeeded } from '../../shared/outcome.js';
import type { SandboxFactory } from '../../shared/sandbox-for.js';
import { describeFinding, parseFailures } from './parse-failures.js';
import { runTestSuite } from './run-test-suite.js';
import { isGreen, summarise, type TestRunStore } from './test-run-store.js';

/** Folders check_syntax never descends into. */
const SKIPPED = new Set(['.git', 'node_modules', 'venv', '.venv', '__pycache__', 'dist', 'build']);
/** Files check_syntax looks at when none are named, at most. */
const MAX_FILES = 200;

/** run_tests: runs the detected (or named) test runner and reports counts. */
export function runTestsAction(sandbox: SandboxFactory, store: TestRunStore): ActionDefinition {
  return defineAction({
    name: 'run_tests',
    description:
      'Run the test suite (pytest, unittest, npm test or node --test, detected) and report counts.',
    input: z.object({}),
    async run(_input, { workspace, signal }) {
      const suite = await runTestSuite(sandbox(workspace), store, signal);
      if (!suite)
        return failed('no-tests', 'no tests found: no npm test script, test_*.py or *.test.js');
      const { output, run } = suite;
      if (isGreen(run)) return succeeded(`${summarise(run)}\n${output}`);
      return failed('tests-failed', summarise(run), { output });
    },
  });
}

/** validate_output: runs a command and checks its exit code and output. */
export function validateOutputAction(sandbox: SandboxFactory): ActionDefinition {
  return defineAction({
    name: 'validate_output',
    description:
      'Run a command and check its exit code and that its output contains (or lacks) given text.',
    input: z.object({
      command: z.string().min(1),
      args: z.array(z.string()).default([]),
      exit_code: z.number().int().default(0),
      contains: z.array(z.string()).default([]),
      not_contains: z.array(z.string()).default([]),
    }),
    async run({ command, args, exit_code, contains, not_contains }, { workspace, signal }) {
      const result = await sandbox(workspace).run(command, args, { signal });
      const output = describeCommand(result);
      const text = `${result.stdout}${result.stderr}`;
      const problems = [
        ...(result.exitCode === exit_code
          ? []
          : [`exit code ${result.exitCode ?? 'none'}, expected ${exit_code}`]),
        ...contains
          .filter((part) => !text.includes(part))
          .map((part) => `output lacks ${JSON.stringify(part)}`),
        ...not_contains
          .filter((part) => text.includes(part))
          .map((part) => `output contains ${JSON.stringify(part)}`),
      ];
      if (problems.length > 0) return failed('output-mismatch', problems.join('; '), { output });
      return succeeded(output);
    },
  });
}

async function sourceFiles(root: string, prefix = ''): Promise<string[]> {
  const entries = await readdir(join(root, prefix), { withFileTypes: true }).catch(() => []);
  const files: string[] = [];
  for (const entry of entries) {
    const path = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory() && !SKIPPED.has(entry.name))
      files.push(...(await sourceFiles(root, path)));
    else if (entry.isFile() && /\.(py|[cm]?js)$/.test(entry.name)) files.push(path);
    if (files.length >= MAX_FILES) break;
  }
  return files.slice(0, MAX_FILES);
}

async function checkOne(box: Sandbox, file: string, signal?: AbortSignal) {
  const python = (await box.exists('venv/pyvenv.cfg')) ? 'venv/bin/python' : 'python3';
  const [command, args] = file.endsWith('.py')
    ? [python, ['-m', 'py_compile', file]]
    : ['node', ['--check', file]];
  const result = await box.run(command, args, { signal });
  return { ok: result.exitCode === 0, output: describeCommand(result) };
}

/** check_syntax: py_compile for Python, node --check for JavaScript, tsc where a tsconfig is. */
export function checkSyntaxAction(sandbox: SandboxFactory): ActionDefinition {
  return defineAction({
    name: 'check_syntax',
    description:
      'Check syntax: python -m py_compile for .py, node --check for .js, tsc --noEmit when tsconfig.json and tsc are present.',
    input: z.object({
      paths: z.array(z.string().min(1)).default([]).describe('default: every source file'),
    }),
    async run({ paths }, { workspace, signal }) {
      const box = sandbox(workspace);
      for (const path of paths) await box.resolvePath(path);
      const files = paths.length > 0 ? paths : await sourceFiles(box.workspace);
      const failures: string[] = [];
      for (const file of files.filter((f) => /\.(py|[cm]?js)$/.test(f))) {
        const check = await checkOne(box, file, signal);
        if (!check.ok) failures.push(check.output);
      }
      let checked = `${files.length} file(s)`;
      if ((await box.exists('tsconfig.json')) && (await box.exists('node_modules/.bin/tsc'))) {
        const args = ['--noEmit', '-p', '.'];
        const result = await box.run('node_modules/.bin/tsc', args, { signal });
        if (result.exitCode !== 0) failures.push(describeCommand(result));
        checked += ' and the TypeScript project';
      }
      if (failures.length > 0)
        return failed('syntax-error', `syntax errors found`, { output: failures.join('\n') });
      return succeeded(`syntax ok in ${checked}`);
    },
  });
}

/** debug_error: parses an error (given, from a command, or from the last test run) into findings. */
export function debugErrorAction(sandbox: SandboxFactory, store: TestRunStore): ActionDefinition {
  return defineAction({
    name: 'debug_error',
    description:
      'Turn an error into structured findings (e.g. ModuleNotFoundError -> missing module): from error_text, a command, or the last test run.',
    input: z.object({
      error_text: z.string().optional(),
      command: z.string().min(1).optional(),
      args: z.array(z.string()).default([]),
    }),
    async run({ error_text, command, args }, { workspace, signal }) {
      const box = sandbox(workspace);
      let text = error_text;
      if (text === undefined && command !== undefined) {
        const result = await box.run(command, args, { signal });
        text = `${result.stdout}\n${result.stderr}`;
      }
      text ??= store.last(box.workspace)?.output_tail;
      if (text === undefined)
        return failed('invalid-input', 'give error_text or a command, or run_tests first');
      const findings = parseFailures(text);
      if (findings.length === 0) return succeeded('no known failure pattern in the output');
      return succeeded(
        `${findings.map(describeFinding).join('\n')}\n${JSON.stringify(findings, null, 2)}`,
      );
    },
  });
}
