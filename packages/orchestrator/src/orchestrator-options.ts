import { ConfigError } from '@codegod/protocol';
import { z } from 'zod';

/** Bounds on one run. Every stop is bounded; hitting a bound ends the run with a clear reason. */
export const orchestratorLimitsSchema = z.object({
  /** Re-asks when the LLM's task graph is invalid. Default: 2. */
  maxDecompositionRepairs: z.number().int().min(0).max(10).default(2),
  /** Rounds of remediation after failed tasks. Default: 3. */
  maxReplanRounds: z.number().int().min(0).max(20).default(3),
  /** Tasks in a run, including remediation tasks. Default: 100. */
  maxTasks: z.number().int().min(1).default(100),
  /** LLM tokens per run (all roles). Default: 2,000,000. */
  maxTokens: z.number().int().min(1).default(2_000_000),
  /** Wall time per run, in ms. Default: 1 hour. */
  maxWallMs: z.number().int().min(1).default(3_600_000),
  /** A run with no event for this long counts as stalled, in ms. Default: 10 minutes. */
  stallMs: z.number().int().min(1).default(600_000),
  /** Stalls (each wipes memory and replans) before the run is cancelled. Default: 2. */
  maxStalls: z.number().int().min(0).default(2),
});
/** Bounds on one run. */
export type OrchestratorLimits = z.infer<typeof orchestratorLimitsSchema>;

/** Applies defaults once and rejects bad values, naming the option. */
export function resolveLimits(limits: Partial<OrchestratorLimits> = {}): OrchestratorLimits {
  const parsed = orchestratorLimitsSchema.safeParse(limits);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(
      `limits.${issue?.path.join('.') ?? '?'}`,
      undefined,
      issue?.message ?? 'invalid',
    );
  }
  return parsed.data;
}
