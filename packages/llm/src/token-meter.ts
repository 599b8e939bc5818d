import type { TokenUsage } from './llm-client.js';

/** Who spent tokens: the labels a TokenMeter totals by. */
export interface TokenLabels {
  runId?: string;
  role?: string;
  phase?: string;
}

/** Token totals: overall, per run and per role. */
export interface TokenTotals {
  total: TokenUsage;
  byRun: Record<string, TokenUsage>;
  byRole: Record<string, TokenUsage>;
}

/** The token accounting port: the LLM client reports what every call cost. */
export interface TokenMeter {
  /** Adds one call's usage (all its attempts) under the given labels. */
  record(usage: TokenUsage, labels: TokenLabels): Promise<void>;
}

/** A zero TokenUsage. */
export function emptyUsage(): TokenUsage {
  return { promptTokens: 0, completionTokens: 0, totalTokens: 0 };
}

/** `a + b`, field by field. */
export function addUsage(a: TokenUsage, b: TokenUsage): TokenUsage {
  return {
    promptTokens: a.promptTokens + b.promptTokens,
    completionTokens: a.completionTokens + b.completionTokens,
    totalTokens: a.totalTokens + b.totalTokens,
  };
}
