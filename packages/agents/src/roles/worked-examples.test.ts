import { toolkitFor } from '@codegod/actions';
import {
  actionTakenSchema,
  observationSchema,
  planSchema,
  reasoningSchema,
  validationSchema,
  WORKER_ROLES,
} from '@codegod/protocol';
import { describe, expect, it } from 'vitest';
import { ROLE_SYSTEM_PROMPTS } from '../role-prompts.js';
import { describeWorkedExample, WORKED_EXAMPLES } from './worked-examples.js';

// An example the model imitates must be one the agent would accept: records that parse, and
// plan steps that name the role's own actions with arguments its schemas take.
describe('worked examples', () => {
  it.each(WORKER_ROLES)(
    '%s: records parse and every step is a valid action of the role',
    (role) => {
      const example = WORKED_EXAMPLES[role];
      observationSchema.parse(example.observation);
      reasoningSchema.parse(example.reasoning);
      planSchema.parse(example.plan);
      validationSchema.parse(example.result.validation);
      for (const taken of example.result.actions_taken) actionTakenSchema.parse(taken);
      const toolkit = toolkitFor(role, { dockerHost: 'unix:///nonexistent/docker.sock' });
      for (const step of example.plan.steps) {
        const action = toolkit.actions.find((candidate) => candidate.name === step.action);
        expect(action, `${role} has no action ${step.action}`).toBeDefined();
        const parsed = action!.input.safeParse(step.args);
        expect(parsed.success, `${step.action} args: ${parsed.error?.message}`).toBe(true);
      }
    },
  );

  it.each(WORKER_ROLES)('%s: the system prompt ends with its example', (role) => {
    expect(ROLE_SYSTEM_PROMPTS[role].endsWith(describeWorkedExample(WORKED_EXAMPLES[role]))).toBe(
      true,
    );
  });
});
