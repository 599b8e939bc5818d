import { z } from 'zod';
import { acceptanceCheckSchema, MAX_CHECKS } from './acceptance.js';
import { workerRoleSchema } from './roles.js';

/** A task id: short, readable, safe inside Redis keys and job ids. */
export const taskIdSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'use letters, digits, "_", "." and "-" only');

/** One node of a task graph, as in plan files and decompositions. */
export const taskSchema = z.object({
  id: taskIdSchema,
  description: z.string().min(1),
  role: workerRoleSchema,
  depends_on: z.array(taskIdSchema),
  /**
   * Executable checks that the task is done, run after the role's own health check; the task
   * succeeds only when all pass. Absent or empty: the task may succeed, reported unverified.
   */
  acceptance: z.array(acceptanceCheckSchema).max(MAX_CHECKS).optional(),
});
/** One node of a task graph. */
export type Task = z.infer<typeof taskSchema>;

/** A plan file or a decomposition: the tasks and their dependencies. */
export const taskGraphSchema = z.object({
  tasks: z.array(taskSchema).min(1),
});
/** A plan file or a decomposition. */
export type TaskGraph = z.infer<typeof taskGraphSchema>;

/** The state of a task within a run. */
export const taskStateSchema = z.enum([
  'pending',
  'queued',
  'running',
  'succeeded',
  'failed',
  'skipped',
  'cancelled',
]);
/** The state of a task within a run. */
export type TaskState = z.infer<typeof taskStateSchema>;

/** States a task never leaves. */
export const TERMINAL_TASK_STATES: ReadonlySet<TaskState> = new Set([
  'succeeded',
  'failed',
  'skipped',
  'cancelled',
]);

/** The state of a run. */
export const runStateSchema = z.enum(['running', 'succeeded', 'failed', 'cancelled']);
/** The state of a run. */
export type RunState = z.infer<typeof runStateSchema>;
