import {
  actionTakenSchema,
  observationSchema,
  planSchema,
  reasoningSchema,
  validationSchema,
  WORKER_ROLES,
} from '@codegod/protocol';
import { describe, expect, it } from 'vitest';
import { defineRole } from './role-definition.js';
import { ROLE_DEFINITIONS } from './role-definitions.js';
import { describeWorkedExample } from './role-prompt.js';

describe('ROLE_DEFINITIONS', () => {
  it('registers every worker role under its own name, in protocol order', () => {
    expect(Object.keys(ROLE_DEFINITIONS)).toEqual([...WORKER_ROLES]);
    for (const role of WORKER_ROLES) {
      expect(ROLE_DEFINITIONS[role].role).toBe(role);
      const toolkit = ROLE_DEFINITIONS[role].toolkit({ sandbox: 'none', env: {} });
      expect(toolkit.role).toBe(role);
    }
  });

  it('refuses a role the master could not tell apart', () => {
    const { backend } = ROLE_DEFINITIONS;
    expect(() =>
      defineRole({
        role: 'docs',
        summary: ' ',
        prompt: backend.prompt,
        example: backend.example,
        toolkit: (options) => ({ ...backend.toolkit(options), role: 'docs' }),
      }),
    ).toThrowError(/role docs: the summary the master reads is empty/);
  });
});

// An example the model imitates must be one the agent would accept: records that parse, and
// plan steps that name the role's own actions with arguments its schemas take.
describe('worked examples', () => {
  it.each(WORKER_ROLES)(
    '%s: records parse and every step is a valid action of the role',
    (role) => {
      const { example } = ROLE_DEFINITIONS[role];
      observationSchema.parse(example.observation);
      reasoningSchema.parse(example.reasoning);
      planSchema.parse(example.plan);
      validationSchema.parse(example.result.validation);
      for (const taken of example.result.actions_taken) actionTakenSchema.parse(taken);
      const toolkit = ROLE_DEFINITIONS[role].toolkit({
        dockerHost: 'unix:///nonexistent/docker.sock',
      });
      for (const step of example.plan.steps) {
        const action = toolkit.actions.find((candidate) => candidate.name === step.action);
        expect(action, `${role} has no action ${step.action}`).toBeDefined();
        const parsed = action!.input.safeParse(step.args);
        expect(parsed.success, `${step.action} args: ${parsed.error?.message}`).toBe(true);
      }
    },
  );

  it.each(WORKER_ROLES)('%s: the system prompt ends with its example', (role) => {
    const { prompt, example } = ROLE_DEFINITIONS[role];
    expect(prompt.endsWith(describeWorkedExample(example))).toBe(true);
    expect(prompt.startsWith(`You are the ${role} agent of codegod.`)).toBe(true);
  });
});
