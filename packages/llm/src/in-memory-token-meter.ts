import {
  type RunTokens,
  type TokenLabels,
  type TokenMeter,
  type TokenUsage,
  UNKNOWN_TOKEN_ROLE,
} from '@codegod/protocol';

/** The in-process TokenMeter: each run's totals by role, kept in memory (embedded mode, tests). */
export class InMemoryTokenMeter implements TokenMeter {
  readonly #runs = new Map<string, RunTokens>();

  /** Adds one call's total under its run and role; a call outside any run is not kept. */
  async record(usage: TokenUsage, labels: TokenLabels): Promise<void> {
    if (labels.runId === undefined || usage.totalTokens === 0) return;
    const run = this.#runs.get(labels.runId) ?? { total: 0, by_role: {} };
    run.total += usage.totalTokens;
    const role = labels.role ?? UNKNOWN_TOKEN_ROLE;
    run.by_role[role] = (run.by_role[role] ?? 0) + usage.totalTokens;
    this.#runs.set(labels.runId, run);
  }

  /** A copy of the run's totals so far (zero for an unknown run). */
  async usage(runId: string): Promise<RunTokens> {
    const run = this.#runs.get(runId);
    return run ? { total: run.total, by_role: { ...run.by_role } } : { total: 0, by_role: {} };
  }
}
