import { z } from 'zod';

/** codegod's own verdict on an instance: the run's state, or why there was no run. */
export const CODEGOD_VERDICTS = [
  'succeeded',
  'failed',
  /** codegod ran past the instance's timeout and was stopped by the harness. */
  'timeout',
  /** codegod exited without a run report (bad usage, LLM unreachable, a crash). */
  'error',
  /** The workspace could not be prepared; codegod never ran. */
  'setup-failed',
] as const;

/** One line of a results file: how one instance went. */
export const benchResultSchema = z.object({
  instance_id: z.string(),
  category: z.string().nullable(),
  /** The independent success_command passed, run by the harness after codegod stopped. */
  solved: z.boolean(),
  codegod_verdict: z.enum(CODEGOD_VERDICTS),
  /** codegod said "succeeded" but the independent check failed: the case that matters most. */
  false_success: z.boolean(),
  codegod_exit_code: z.number().int().nullable(),
  run_id: z.string().nullable(),
  /** Wall time of the codegod run, in ms (setup and the independent check excluded). */
  wall_ms: z.number().int(),
  /** Chat completions codegod asked for; null when the harness could not see them (fleet). */
  llm_calls: z.number().int().nullable(),
  tokens: z.number().int(),
  replans: z.number().int(),
  /** Memory wipes after a stuck attempt, from the tasks' last outcomes in the report. */
  wipes: z.number().int(),
  /** Tasks stopped as stuck after their wipes. */
  stuck_stops: z.number().int(),
  /** Why the instance is not solved (codegod's reason or the check's); null when solved. */
  failure_reason: z.string().nullable(),
  check_exit_code: z.number().int().nullable(),
  /** The last lines of the independent check's output. */
  check_output: z.string(),
  /** When the instance finished, ms since the epoch. */
  finished_at: z.number().int(),
  /** The instance's fields the harness does not know, kept as they were. */
  extra: z.record(z.string(), z.unknown()),
});
/** One line of a results file. */
export type BenchResult = z.infer<typeof benchResultSchema>;
