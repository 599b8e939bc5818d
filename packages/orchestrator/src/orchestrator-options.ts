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

/** The environment variable of each limit, for the master service and embedded runs. */
export const LIMIT_ENVIRONMENT: Record<keyof OrchestratorLimits, string> = {
  maxDecompositionRepairs: 'CODEGOD_MAX_DECOMPOSITION_REPAIRS',
  maxReplanRounds: 'CODEGOD_MAX_REPLAN_ROUNDS',
  maxTasks: 'CODEGOD_MAX_TASKS',
  maxTokens: 'CODEGOD_MAX_RUN_TOKENS',
  maxWallMs: 'CODEGOD_MAX_WALL_MS',
  stallMs: 'CODEGOD_STALL_MS',
  maxStalls: 'CODEGOD_MAX_STALLS',
};

/**
 * The limits set in the environment (CODEGOD_MAX_TASKS, …; see LIMIT_ENVIRONMENT). A bad value
 * is a ConfigError naming the variable; unset ones are left to the defaults.
 */
export function limitsFromEnvironment(
  environment: Record<string, string | undefined>,
): Partial<OrchestratorLimits> {
  const limits: Partial<OrchestratorLimits> = {};
  for (const [option, name] of Object.entries(LIMIT_ENVIRONMENT) as [
    keyof OrchestratorLimits,
    string,
  ][]) {
    const raw = environment[name]?.trim();
    if (!raw) continue;
    const parsed = orchestratorLimitsSchema.shape[option].safeParse(Number(raw));
    if (!/^\d+$/.test(raw) || !parsed.success) {
      throw new ConfigError(
        option,
        name,
        `expected a whole number${parsed.success ? '' : ` (${parsed.error.issues[0]?.message ?? 'invalid'})`}, got '${raw}'`,
      );
    }
    limits[option] = parsed.data;
  }
  return limits;
}
