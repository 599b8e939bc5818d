import { z } from 'zod';
import { acceptanceCheckSchema, MAX_CHECKS } from './acceptance.js';
import { taskGraphSchema } from './task.js';

/** A problem submitted to the master service by `codegod build` in distributed mode. */
export const submissionSchema = z.object({
  run_id: z.string().min(1),
  problem: z.string().min(1),
  /** Absolute path every worker can reach (the shared workspace volume). */
  workspace: z.string().min(1),
  /** A user-written plan that skips decomposition, or null. */
  plan: taskGraphSchema.nullable(),
  /** The run's own bounds (`codegod build --max-replans/--timeout`); null keeps the master's. */
  limits: z
    .object({
      max_replan_rounds: z.number().int().min(0).nullable(),
      max_wall_ms: z.number().int().min(1).nullable(),
    })
    .nullable()
    .default(null),
  /**
   * The run's acceptance checks (`codegod build --check`, as `sh -c` command checks); the
   * master runs them once every task has succeeded. Default: none.
   */
  run_checks: z.array(acceptanceCheckSchema).max(MAX_CHECKS).default([]),
  submitted_at: z.number().int(),
});
/** A problem submitted to the master service. */
export type Submission = z.infer<typeof submissionSchema>;
