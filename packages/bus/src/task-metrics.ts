import { proofOf, type Result } from '@codegod/protocol';
import { z } from 'zod';

/**
 * The task counters of `codegod:metrics:tasks`. Every completed task is also counted as
 * `verified` (its acceptance checks ran and passed) or `unverified` (it had none).
 */
export const TASK_COUNTERS = [
  'submitted',
  'completed',
  'verified',
  'unverified',
  'failed',
  'retried',
  'skipped',
  'cancelled',
] as const;

/** One task counter. */
export type TaskCounter = (typeof TASK_COUNTERS)[number];

/** Counters as read back; Redis returns strings, and a missing counter is zero. */
export const taskMetricsSchema = z.object(
  Object.fromEntries(TASK_COUNTERS.map((c) => [c, z.coerce.number().int().default(0)])) as {
    [K in TaskCounter]: z.ZodDefault<z.ZodCoercedNumber<unknown>>;
  },
);

/** The counter a recorded result adds to besides completed/failed: how a success was proven. */
export function proofCounter(result: Result): 'verified' | 'unverified' | undefined {
  return result.success ? proofOf(result.validation.checks) : undefined;
}

/** Task counters since the bus (or the Redis database) started. */
export type TaskMetrics = z.infer<typeof taskMetricsSchema>;

/** All counters at zero. */
export function emptyTaskMetrics(): TaskMetrics {
  return taskMetricsSchema.parse({});
}
