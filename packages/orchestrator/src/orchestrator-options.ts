import { defineSettings, type Environment, type SettingValues } from '@codegod/config';
import { z } from 'zod';

/** A whole number from `min` to `max`; the environment's digits count, nothing else does. */
const wholeNumber = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  z.preprocess(
    (value) => (typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value),
    z.number({ error: 'expected a whole number' }).int().min(min).max(max),
  );

/** Bounds on one run. Every stop is bounded; hitting a bound ends the run with a clear reason. */
export const LIMIT_SETTINGS = defineSettings({
  /** Re-asks when the LLM's task graph is invalid. Default: 2. */
  maxDecompositionRepairs: {
    env: 'CODEGOD_MAX_DECOMPOSITION_REPAIRS',
    schema: wholeNumber(0, 10).default(2),
  },
  /** Rounds of remediation after failed tasks. Default: 3. */
  maxReplanRounds: {
    env: 'CODEGOD_MAX_REPLAN_ROUNDS',
    flag: '--max-replans',
    schema: wholeNumber(0, 20).default(3),
  },
  /** Tasks in a run, including remediation tasks. Default: 100. */
  maxTasks: { env: 'CODEGOD_MAX_TASKS', schema: wholeNumber(1).default(100) },
  /** LLM tokens per run (all roles). Default: 2,000,000. */
  maxTokens: { env: 'CODEGOD_MAX_RUN_TOKENS', schema: wholeNumber(1).default(2_000_000) },
  /** Wall time per run, in ms. Default: 1 hour. */
  maxWallMs: { env: 'CODEGOD_MAX_WALL_MS', schema: wholeNumber(1).default(3_600_000) },
  /** A run with no event for this long counts as stalled, in ms. Default: 10 minutes. */
  stallMs: { env: 'CODEGOD_STALL_MS', schema: wholeNumber(1).default(600_000) },
  /** Stalls (each wipes memory and replans) before the run is cancelled. Default: 2. */
  maxStalls: { env: 'CODEGOD_MAX_STALLS', schema: wholeNumber(0).default(2) },
});
/** Bounds on one run. */
export type OrchestratorLimits = SettingValues<typeof LIMIT_SETTINGS.specs>;

/**
 * Applies defaults once and rejects bad values, naming the option and its variable. Only
 * `env` is read (default: none), so a run's limits never pick up the process's by surprise.
 */
export function resolveLimits(
  limits: Partial<OrchestratorLimits> = {},
  env: Environment = {},
): OrchestratorLimits {
  return LIMIT_SETTINGS.resolve(limits, env);
}

/**
 * The limits set in the environment (CODEGOD_MAX_TASKS, …; see LIMIT_SETTINGS). A bad value
 * is a ConfigError naming the variable; unset ones are left to the defaults.
 */
export function limitsFromEnvironment(env: Environment): Partial<OrchestratorLimits> {
  const limits = resolveLimits({}, env);
  return Object.fromEntries(
    Object.entries(LIMIT_SETTINGS.specs)
      .filter(([, spec]) => env[spec.env]?.trim())
      .map(([option]) => [option, limits[option as keyof OrchestratorLimits]]),
  );
}
