import type { WorkerRole } from '@codegod/protocol';
import type { RoleToolkit } from '../action.js';
import { backendRole } from './backend/role.js';
import { devopsRole } from './devops/role.js';
import { frontendRole } from './frontend/role.js';
import type { RoleDefinitions, RoleToolkitOptions } from './role-definition.js';
import { testingRole } from './testing/role.js';

/**
 * Every worker role, one line each. Typed by protocol's WorkerRole, so a name there without a
 * line here (or a line without a name) fails to compile; the lists that must match the roles
 * (the master's capability list, the worker's roles, the fleet's services) are derived.
 */
export const ROLE_DEFINITIONS: RoleDefinitions<WorkerRole> = {
  backend: backendRole,
  frontend: frontendRole,
  devops: devopsRole,
  testing: testingRole,
};

/** The toolkit of `role`. Devops-only settings (dockerHost) are ignored by the other roles. */
export function toolkitFor(role: WorkerRole, options: RoleToolkitOptions = {}): RoleToolkit {
  return ROLE_DEFINITIONS[role].toolkit(options);
}
