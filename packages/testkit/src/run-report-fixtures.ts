import { type RunReport, runReportSchema } from '@codegod/protocol';

/** A run report for tests and benches: `fields` over those of a finished run with no tasks. */
export function runReportOf(fields: { run_id: string } & Record<string, unknown>): RunReport {
  return runReportSchema.parse({
    problem: 'p',
    workspace: '/w',
    state: 'succeeded',
    reason: 'all tasks succeeded',
    started_at: 0,
    ended_at: 1,
    duration_ms: 1,
    replan_rounds: 0,
    tokens: { total: 0, by_role: {} },
    tasks: [],
    ...fields,
  });
}

/**
 * A task of a run report, for `runReportOf`'s `tasks` (which checks it): `fields` over those of
 * a backend task that succeeded at once.
 */
export function taskReportOf(fields: { id: string } & Record<string, unknown>) {
  return {
    description: 'd',
    role: 'backend',
    depends_on: [],
    state: 'succeeded',
    reason: null,
    agent_id: null,
    attempts: 1,
    iterations: 1,
    observation: null,
    reasoning: null,
    plan: null,
    actions_taken: [],
    validation: { valid: true, output: 'ok' },
    output: null,
    queued_at: null,
    started_at: null,
    ended_at: null,
    duration_ms: null,
    ...fields,
  };
}

/**
 * A report of `count` tasks that succeeded, each with about 2 KB of check output (300 make a
 * report of about 775 KB): for what a large report costs to store, send and show.
 */
export function largeRunReport(
  runId: string,
  count: number,
  problem = `a run of ${count} task(s)`,
) {
  return runReportOf({
    run_id: runId,
    problem,
    tasks: Array.from({ length: count }, (_, i) =>
      taskReportOf({
        id: `t${i}`,
        description: `task ${i}`,
        agent_id: 'backend-1',
        validation: { valid: true, output: `check ${i} ${'x'.repeat(2_000)}` },
        output: `output ${i}`,
      }),
    ),
  });
}
