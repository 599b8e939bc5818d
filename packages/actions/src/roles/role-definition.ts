import type { WorkerRole } from '@codegod/protocol';
import type { RoleToolkit } from '../action.js';
import type { DevopsToolkitOptions } from './devops/toolkit.js';
import type { WorkedExample } from './role-prompt.js';

/** Settings a role's toolkit is built with; devops-only ones (dockerHost) the others ignore. */
export type RoleToolkitOptions = DevopsToolkitOptions;

/** One worker role, as its folder under `roles/` defines it. */
export interface RoleDefinition<R extends string = WorkerRole> {
  /** The role's name: its queue, its tasks' `role`, its agents' `AGENT_ROLE`. */
  role: R;
  /** The kind of work the role takes, for the master's list of roles, e.g. `Python projects`. */
  summary: string;
  /** The agent's system prompt: who it is, the shared rules, its worked example. */
  prompt: string;
  /** The iteration the prompt shows; its steps are actions of the role's toolkit. */
  example: WorkedExample;
  /** Builds the role's toolkit: its actions, observer, health check and check runner. */
  toolkit(options?: RoleToolkitOptions): RoleToolkit<R>;
}

/** A registry of roles: each name maps to its own definition (see ROLE_DEFINITIONS). */
export type RoleDefinitions<R extends string = WorkerRole> = {
  readonly [K in R]: RoleDefinition<K>;
};

/** Declares a role; the type ties the definition to its name. Throws on an empty summary. */
export function defineRole<R extends string>(definition: RoleDefinition<R>): RoleDefinition<R> {
  if (definition.summary.trim() === '') {
    throw new Error(`role ${definition.role}: the summary the master reads is empty`);
  }
  return definition;
}
