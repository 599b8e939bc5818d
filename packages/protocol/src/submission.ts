import { z } from 'zod';
import { taskGraphSchema } from './task.js';

/** A problem submitted to the master service by `codegod build` in distributed mode. */
export const submissionSchema = z.object({
  run_id: z.string().min(1),
  problem: z.string().min(1),
  /** Absolute path every worker can reach (the shared workspace volume). */
  workspace: z.string().min(1),
  /** A user-written plan that skips decomposition, or null. */
  plan: taskGraphSchema.nullable(),
  submitted_at: z.number().int(),
});
/** A problem submitted to the master service. */
export type Submission = z.infer<typeof submissionSchema>;
