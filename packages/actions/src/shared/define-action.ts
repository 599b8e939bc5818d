import type { z } from 'zod';
import type { ActionDefinition } from '../action.js';
import { fromError } from './outcome.js';

/**
 * Declares an action whose thrown errors (a path outside the workspace, a refused command)
 * come back as failed outcomes, so the agent sees them as results, never as crashes.
 */
export function defineAction<S extends z.ZodObject>(
  definition: ActionDefinition<S>,
): ActionDefinition {
  return {
    ...definition,
    async run(input, context) {
      try {
        return await definition.run(input as z.output<S>, context);
      } catch (error) {
        return fromError(error);
      }
    },
  };
}
