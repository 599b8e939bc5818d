import { type RoleToolkit, toolkitFor } from '@codegod/actions';
import { WORKER_ROLES, type WorkerRole } from '@codegod/protocol';

/** The real toolkit of each role, with their default sandbox settings. */
export function defaultToolkits(): Record<WorkerRole, RoleToolkit> {
  return Object.fromEntries(WORKER_ROLES.map((role) => [role, toolkitFor(role)])) as Record<
    WorkerRole,
    RoleToolkit
  >;
}
