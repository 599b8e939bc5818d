import type { Observation } from '@codegod/protocol';
import { checkRunner } from '../../acceptance/check-runner.js';
import type { ActionContext, HealthCheck, RoleToolkit } from '../../action.js';
import { readFileAction, runCommandAction, writeFileAction } from '../../shared/common-actions.js';
import { sandboxFactory, type ToolkitOptions } from '../../shared/sandbox-for.js';
import { warmUpFor } from '../../shared/warm-up.js';
import {
  checkSyntaxAction,
  debugErrorAction,
  runTestsAction,
  validateOutputAction,
} from './actions.js';
import { describeFinding, parseFailures } from './parse-failures.js';
import { runTestSuite } from './run-test-suite.js';
import { detectTestCommand } from './test-command.js';
import { isGreen, summarise, TestRunStore } from './test-run-store.js';

/** Executables the testing role may run. */
export const TESTING_ALLOWLIST = [
  'python3',
  'venv/bin/python',
  '.venv/bin/python',
  'npm',
  'node',
  'node_modules/.bin/tsc',
] as const;

/** The testing role: detects and runs test suites, checks syntax, diagnoses failures. */
export function testingToolkit(options: ToolkitOptions = {}): RoleToolkit<'testing'> {
  const sandbox = sandboxFactory(TESTING_ALLOWLIST, options);
  const store = new TestRunStore();

  async function observe(
    _task: unknown,
    { workspace, signal }: ActionContext,
  ): Promise<Observation> {
    const box = sandbox(workspace);
    const test = await detectTestCommand(box, signal);
    const last = store.last(box.workspace);
    const findings: string[] = [];
    if (!test) findings.push('no tests found: no npm test script, test_*.py or *.test.js');
    if (last) {
      findings.push(`last run: ${summarise(last)}`);
      findings.push(...parseFailures(last.output_tail).map(describeFinding));
    }
    return {
      test_command: test ? [test.command, ...test.args].join(' ') : null,
      framework: test?.framework ?? null,
      last_results: last ?? null,
      findings,
    };
  }

  async function validate(
    _task: unknown,
    { workspace, signal }: ActionContext,
  ): Promise<HealthCheck> {
    const suite = await runTestSuite(sandbox(workspace), store, signal);
    if (!suite) return { valid: false, output: 'no tests found to run' };
    const { run } = suite;
    return { valid: isGreen(run), output: `${summarise(run)}\n${run.output_tail}` };
  }

  return {
    role: 'testing',
    sandbox: sandbox.kind,
    actions: [
      runTestsAction(sandbox, store),
      validateOutputAction(sandbox),
      checkSyntaxAction(sandbox),
      debugErrorAction(sandbox, store),
      runCommandAction(sandbox),
      readFileAction(sandbox),
      writeFileAction(sandbox),
    ],
    observe,
    validate,
    async warmUp(task, { workspace, signal }) {
      const box = sandbox(workspace);
      // Only an interpreter has a spare (`python -m unittest`/`pytest`); npm and node --test none.
      const test = await detectTestCommand(box, signal);
      return warmUpFor(box, task, test ? [{ command: test.command, args: test.args }] : []);
    },
    ...checkRunner(sandbox),
  };
}
