import { jobId, resultSchema, taskSchema } from '@codegod/protocol';
import { z } from 'zod';

/** The data of a BullMQ task job; parsed at the worker, since jobs cross processes. */
export const jobPayloadSchema = z.object({
  run_id: z.string().min(1),
  task: taskSchema,
  /** Bumped when a replan retries the task; results of older generations are ignored. */
  generation: z.number().int().nonnegative(),
  /** Results of the task's dependencies, by task id. */
  dependencies: z.record(z.string(), resultSchema),
});
/** The data of a BullMQ task job. */
export type JobPayload = z.infer<typeof jobPayloadSchema>;

/**
 * The job id of a task generation: the protocol's deterministic id, with `#n` for retried
 * generations so a replan's retry is not swallowed by the first job's id.
 */
export function generationJobId(runId: string, taskId: string, generation: number): string {
  const base = jobId(runId, taskId);
  return generation === 0 ? base : `${base}#${generation}`;
}
