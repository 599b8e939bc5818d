import type { Sandbox } from '../../sandbox/sandbox.js';
import { describeCommand } from '../../shared/outcome.js';
import { detectTestCommand, parseTestCounts } from './test-command.js';
import type { TestRun, TestRunStore } from './test-run-store.js';

/**
 * Detects the workspace's test command, runs it and records the run in `store`: what both the
 * `run_tests` action and the testing validator do. Undefined when there are no tests to run.
 */
export async function runTestSuite(
  box: Sandbox,
  store: TestRunStore,
  signal: AbortSignal | undefined,
): Promise<{ output: string; run: TestRun } | undefined> {
  const test = await detectTestCommand(box, signal);
  if (!test) return undefined;
  const result = await box.run(test.command, test.args, { signal });
  const output = describeCommand(result);
  const run = store.record(
    box.workspace,
    test,
    result.exitCode,
    result.timedOut,
    output,
    parseTestCounts(output),
  );
  return { output, run };
}
