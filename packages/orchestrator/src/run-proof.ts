import type { CheckResult, RunEvent, RunProof, RunState, TaskReport } from '@codegod/protocol';

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;

/** The last time the run's own checks ran, from its events; none when they never ran. */
export function lastRunChecks(events: readonly RunEvent[]): CheckResult[] {
  const last = events.filter((event) => event.type === 'run-check').at(-1);
  return last?.type === 'run-check' ? last.checks : [];
}

/**
 * How the run's success was proven: the checks that passed (succeeded tasks' and the run's
 * own) and the succeeded tasks that had none. The summary is what `codegod build` prints
 * after "succeeded:".
 */
export function runProof(
  state: RunState,
  tasks: readonly TaskReport[],
  runChecks: CheckResult[],
): RunProof {
  const succeeded = tasks.filter((task) => task.state === 'succeeded');
  const taskChecks = succeeded.flatMap((task) => task.validation?.checks ?? []);
  const checksPassed = [...taskChecks, ...runChecks].filter((check) => check.passed).length;
  const unverified = succeeded.filter((task) => task.proof === 'unverified').map((t) => t.id);
  let summary: string;
  if (state !== 'succeeded') summary = `not proven: the run ${state}`;
  else if (unverified.length === 0) summary = `verified by ${plural(checksPassed, 'check')}`;
  else {
    const passed = checksPassed > 0 ? `; ${plural(checksPassed, 'check')} passed` : '';
    summary = `${plural(unverified.length, 'task')} unverified (no acceptance checks)${passed}`;
  }
  return {
    summary,
    checks_passed: checksPassed,
    unverified_tasks: unverified,
    run_checks: runChecks,
  };
}
