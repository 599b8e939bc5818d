import type { TokenUsage } from './llm-client.js';
import {
  addUsage,
  emptyUsage,
  type TokenLabels,
  type TokenMeter,
  type TokenTotals,
} from './token-meter.js';

/** The in-process TokenMeter: totals by run and role, kept in memory (embedded mode, tests). */
export class InMemoryTokenMeter implements TokenMeter {
  private total = emptyUsage();
  private readonly byRun = new Map<string, TokenUsage>();
  private readonly byRole = new Map<string, TokenUsage>();

  /** Adds one call's usage under its run and role. */
  async record(usage: TokenUsage, labels: TokenLabels): Promise<void> {
    this.total = addUsage(this.total, usage);
    if (labels.runId !== undefined)
      this.byRun.set(labels.runId, addUsage(this.byRun.get(labels.runId) ?? emptyUsage(), usage));
    if (labels.role !== undefined)
      this.byRole.set(labels.role, addUsage(this.byRole.get(labels.role) ?? emptyUsage(), usage));
  }

  /** A copy of the totals so far. */
  totals(): TokenTotals {
    return {
      total: { ...this.total },
      byRun: Object.fromEntries([...this.byRun].map(([k, v]) => [k, { ...v }])),
      byRole: Object.fromEntries([...this.byRole].map(([k, v]) => [k, { ...v }])),
    };
  }
}
