import { z } from 'zod';

/** The roles of workers that run tasks. */
export const WORKER_ROLES = ['backend', 'frontend', 'devops', 'testing'] as const;

/** Every role in the fleet: the four workers plus the master. */
export const ROLES = [...WORKER_ROLES, 'master'] as const;

/** A role of the fleet. */
export const roleSchema = z.enum(ROLES);
/** A role of the fleet. */
export type Role = z.infer<typeof roleSchema>;

/** A role that runs tasks (every role but the master). */
export const workerRoleSchema = z.enum(WORKER_ROLES);
/** A role that runs tasks. */
export type WorkerRole = z.infer<typeof workerRoleSchema>;

/** True when `value` names a worker role. */
export function isWorkerRole(value: unknown): value is WorkerRole {
  return workerRoleSchema.safeParse(value).success;
}
