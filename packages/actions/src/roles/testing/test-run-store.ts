import type { TestCommand, TestCounts } from './test-command.js';

/** The outcome of one test run, kept for the observer's `last_results`. */
export interface TestRun extends TestCounts {
  command: string;
  exit_code: number | null;
  timed_out: boolean;
  /** The tail of the output, where runners print failures and summaries. */
  output_tail: string;
}

/** Characters of output kept per run. */
const TAIL = 4000;

/** Last test run per workspace, in memory: a worker's own runs are what it needs to see. */
export class TestRunStore {
  private readonly runs = new Map<string, TestRun>();

  /** Records a run of `test` with its output and counts. */
  record(
    workspace: string,
    test: TestCommand,
    exitCode: number | null,
    timedOut: boolean,
    output: string,
    counts: TestCounts,
  ): TestRun {
    const run: TestRun = {
      command: [test.command, ...test.args].join(' '),
      exit_code: exitCode,
      timed_out: timedOut,
      ...counts,
      output_tail: output.slice(-TAIL),
    };
    this.runs.set(workspace, run);
    return run;
  }

  /** The last run in `workspace`, if any. */
  last(workspace: string): TestRun | undefined {
    return this.runs.get(workspace);
  }
}

/** True when a run counts as green: exit 0, no failures or errors, at least one test passed. */
export function isGreen(run: TestRun): boolean {
  return run.exit_code === 0 && run.failed === 0 && run.errors === 0 && run.passed > 0;
}

/** One line summarising a run. */
export function summarise(run: TestRun): string {
  const exit = run.timed_out ? 'timed out' : `exit ${run.exit_code ?? 'killed'}`;
  return `${run.command}: ${run.passed} passed, ${run.failed} failed, ${run.errors} errors; ${exit}`;
}
