import type { TokenLabels, TokenMeter, TokenUsage } from '@codegod/llm';
import type { RunTokens } from './build-run-report.js';

/**
 * A TokenMeter that keeps per-run, per-role totals in this process and forwards every record
 * to an inner meter (e.g. Redis). The master reads it for token budgets and run reports.
 */
export class RunTokenLedger implements TokenMeter {
  readonly #runs = new Map<string, RunTokens>();
  readonly #inner: TokenMeter | undefined;

  constructor(inner?: TokenMeter) {
    this.#inner = inner;
  }

  async record(usage: TokenUsage, labels: TokenLabels): Promise<void> {
    if (labels.runId !== undefined) {
      const run = this.#runs.get(labels.runId) ?? { total: 0, by_role: {} };
      run.total += usage.totalTokens;
      const role = labels.role ?? 'unknown';
      run.by_role[role] = (run.by_role[role] ?? 0) + usage.totalTokens;
      this.#runs.set(labels.runId, run);
    }
    await this.#inner?.record(usage, labels);
  }

  /** The run's totals so far (zero for an unknown run). */
  async usage(runId: string): Promise<RunTokens> {
    const run = this.#runs.get(runId);
    return run ? { total: run.total, by_role: { ...run.by_role } } : { total: 0, by_role: {} };
  }
}
