import {
  type RunTokens,
  type TokenLabels,
  type TokenMeter,
  type TokenUsage,
  UNKNOWN_TOKEN_ROLE,
} from '@codegod/protocol';

/** Runs whose totals an InMemoryTokenMeter keeps by default. */
const KEPT_RUNS = 1024;

/**
 * The in-process TokenMeter: each run's totals by role, kept in memory (embedded mode, tests).
 * Only the `keepRuns` runs recorded most recently are kept (default 1024), so a long-lived
 * process stays flat; a live run records on every call and stays among them.
 */
export class InMemoryTokenMeter implements TokenMeter {
  readonly #runs = new Map<string, RunTokens>();
  readonly #keep: number;

  constructor(options: { keepRuns?: number } = {}) {
    this.#keep = options.keepRuns ?? KEPT_RUNS;
  }

  /** Adds one call's total under its run and role; a call outside any run is not kept. */
  async record(usage: TokenUsage, labels: TokenLabels): Promise<void> {
    if (labels.runId === undefined || usage.totalTokens === 0) return;
    const run = this.#runs.get(labels.runId) ?? { total: 0, by_role: {} };
    run.total += usage.totalTokens;
    const role = labels.role ?? UNKNOWN_TOKEN_ROLE;
    run.by_role[role] = (run.by_role[role] ?? 0) + usage.totalTokens;
    // Re-inserted, so the least recently recorded run is first and goes first.
    this.#runs.delete(labels.runId);
    this.#runs.set(labels.runId, run);
    for (const runId of this.#runs.keys()) {
      if (this.#runs.size <= this.#keep) break;
      this.#runs.delete(runId);
    }
  }

  /** A copy of the run's totals so far (zero for an unknown run). */
  async usage(runId: string): Promise<RunTokens> {
    const run = this.#runs.get(runId);
    return run ? { total: run.total, by_role: { ...run.by_role } } : { total: 0, by_role: {} };
  }
}
