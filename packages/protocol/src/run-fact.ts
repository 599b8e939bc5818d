import { z } from 'zod';
import { workerRoleSchema } from './roles.js';
import { taskIdSchema } from './task.js';

/**
 * A fact one task of a run found about the workspace (e.g. `venv_path`), shared with the run's
 * later tasks on every agent: its value, who found it, in which task, and when.
 */
export const runFactSchema = z.object({
  name: z.string().min(1).max(200),
  value: z.unknown(),
  found_by: z.string(),
  role: workerRoleSchema,
  task_id: taskIdSchema,
  found_at: z.number().int().nonnegative(),
});
/** A fact a task of a run found. */
export type RunFact = z.infer<typeof runFactSchema>;
