import { describe, expect, it } from 'vitest';
import { runEventSchema, taskStepEventSchemas } from './events.js';

const step = {
  type: 'task-step',
  run_id: 'run-1',
  ts: 1,
  task_id: 't1',
  role: 'devops',
  agent_id: 'devops-1',
  iteration: 1,
};
const validation = { valid: true, output: 'ok' };
const observation = { findings: ['a Dockerfile'], dockerfile_exists: true };

describe('taskStepEventSchemas', () => {
  it('parses a step as runEventSchema does', () => {
    const event = { ...step, phase: 'validate', data: validation };
    expect(taskStepEventSchemas.validate.parse(event)).toEqual(runEventSchema.parse(event));
    expect(taskStepEventSchemas.validate.parse(event)).toMatchObject({ data: { checks: [] } });
    const observed = { ...step, phase: 'observe', data: observation };
    expect(taskStepEventSchemas.observe.parse(observed)).toEqual(runEventSchema.parse(observed));
  });

  it("rejects another phase's record and another phase's name", () => {
    expect(
      taskStepEventSchemas.validate.safeParse({ ...step, phase: 'validate', data: observation })
        .success,
    ).toBe(false);
    expect(
      taskStepEventSchemas.validate.safeParse({ ...step, phase: 'observe', data: validation })
        .success,
    ).toBe(false);
    expect(
      taskStepEventSchemas.act.safeParse({ ...step, phase: 'act', data: [{ step: 0 }] }).success,
    ).toBe(false);
  });
});
