import type { RunReport } from './run-report.js';

/** Tokens spent by one LLM call (all attempts added up). */
export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

/** Who spent tokens: the labels a TokenMeter totals by. */
export interface TokenLabels {
  runId?: string;
  role?: string;
  phase?: string;
}

/** Tokens a run spent, in total and by role: the run report's `tokens`. */
export type RunTokens = RunReport['tokens'];

/**
 * The token accounting port. The LLM client records what every call cost; the master reads a
 * run's totals for its token budget and report, the dashboard for its view. Adapters:
 * `InMemoryTokenMeter` (@codegod/llm; embedded mode, tests) and `RedisTokenMeter`
 * (@codegod/fleet; every process of the fleet adds into the same hashes). Every adapter passes
 * `tokenMeterConformance` from `@codegod/llm/testing`.
 */
export interface TokenMeter {
  /** Adds one call's usage (all its attempts) under the given labels. */
  record(usage: TokenUsage, labels: TokenLabels): Promise<void>;
  /** The run's totals so far, by role (a call without a role counts as `unknown`); zero for an unknown run. */
  usage(runId: string): Promise<RunTokens>;
}

/** The role a call without one is counted under. */
export const UNKNOWN_TOKEN_ROLE = 'unknown';

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
