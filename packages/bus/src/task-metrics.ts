import { z } from 'zod';

/** The task counters of `codegod:metrics:tasks`. */
export const TASK_COUNTERS = [
  'submitted',
  'completed',
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

/** Task counters since the bus (or the Redis database) started. */
export type TaskMetrics = z.infer<typeof taskMetricsSchema>;

/** All counters at zero. */
export function emptyTaskMetrics(): TaskMetrics {
  return taskMetricsSchema.parse({});
}
