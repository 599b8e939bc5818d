import { runProof } from '@codegod/orchestrator';
import type { RunReport, Submission } from '@codegod/protocol';

/** The report of a run that failed before it started (no task graph could be made). */
export function failedRunReport(submission: Submission, error: unknown): RunReport {
  const now = Date.now();
  return {
    run_id: submission.run_id,
    problem: submission.problem,
    workspace: submission.workspace,
    state: 'failed',
    reason: error instanceof Error ? error.message : String(error),
    started_at: submission.submitted_at,
    ended_at: now,
    duration_ms: now - submission.submitted_at,
    replan_rounds: 0,
    sandbox: null,
    tokens: { total: 0, by_role: {} },
    tasks: [],
    surveys: [],
    proof: runProof('failed', [], []),
  };
}
