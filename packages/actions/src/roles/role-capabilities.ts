import type { RoleDefinitions } from './role-definition.js';

/** The roles `definitions` registers, in its order: what a worker's AGENT_ROLE may name. */
export function registeredRoles<R extends string>(definitions: RoleDefinitions<R>): R[] {
  return Object.keys(definitions) as R[];
}

/** True when `value` names a role of `definitions`. */
export function isRegisteredRole<R extends string>(
  definitions: RoleDefinitions<R>,
  value: unknown,
): value is R {
  return typeof value === 'string' && Object.hasOwn(definitions, value);
}

/**
 * What each role's agents can do, for the master's prompt: per role its summary and the names
 * of its actions, read from its toolkit, so the list never drifts from what the agents can do.
 * Names, not the descriptions: the master picks a role per task, not actions, and with the
 * descriptions the list is three times longer (2,400 characters, not 870). Stable for a given
 * registry, so it stays in the prompt's cached prefix.
 */
export function describeRoleCapabilities<R extends string>(
  definitions: RoleDefinitions<R>,
): string {
  const lines = registeredRoles(definitions).map((role) => {
    const { summary, toolkit } = definitions[role];
    // The direct runner and no environment touch nothing (no bubblewrap probe, no Docker):
    // the toolkit is built only to read its actions' names.
    const actions = toolkit({ sandbox: 'none', env: {} }).actions.map((action) => action.name);
    return `- ${role}: ${summary}. Actions: ${actions.join(', ')}.`;
  });
  return ['Roles and what their agents can do:', ...lines].join('\n');
}
