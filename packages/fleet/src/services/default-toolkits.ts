import { type RoleToolkit, type ToolkitOptions, toolkitFor } from '@codegod/actions';
import { WORKER_ROLES, type WorkerRole } from '@codegod/protocol';

/**
 * The real toolkit of each role. Give `options.runner` (from `createCommandRunner`) so all four
 * share one; without it each reads `CODEGOD_SANDBOX` itself.
 */
export function defaultToolkits(options: ToolkitOptions = {}): Record<WorkerRole, RoleToolkit> {
  return Object.fromEntries(
    WORKER_ROLES.map((role) => [role, toolkitFor(role, options)]),
  ) as Record<WorkerRole, RoleToolkit>;
}
