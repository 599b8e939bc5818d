import { toolkitFor } from '@codegod/actions';
import { toStrictJsonSchema } from '@codegod/llm';
import { WORKER_ROLES } from '@codegod/protocol';
import { describe, expect, it } from 'vitest';
import { llmPlanSchema, toProtocolPlan } from './llm-plan-schema.js';
import { readFileAction, writeFileAction } from './testing/index.js';

const schema = llmPlanSchema([writeFileAction, readFileAction]);
const reasoning = {
  problem_analysis: 'p',
  root_causes: ['r'],
  approach: 'a',
  risks: [],
  success_criteria: ['s'],
  conclusion: 'c',
};
const step = (action: string, args: unknown) => ({
  action,
  target: 't',
  method: 'm',
  expected: 'e',
  args,
});
const reply = (...steps: ReturnType<typeof step>[]) => ({
  ...reasoning,
  steps,
  estimated_duration: '1m',
  confidence: 1,
});

describe('llmPlanSchema', () => {
  it("only accepts the toolkit's actions, each with its own arguments", () => {
    const write = step('write_file', { path: 'a', content: 'b' });
    expect(schema.safeParse(reply(write, step('read_file', { path: 'a' }))).success).toBe(true);
    expect(schema.safeParse(reply(step('rm_rf', {}))).success).toBe(false);
    // read_file's arguments under write_file's name, and a wrong type.
    expect(schema.safeParse(reply(step('write_file', { path: 'a' }))).success).toBe(false);
    expect(schema.safeParse(reply(step('read_file', { path: 5 }))).success).toBe(false);
  });

  it('asks for the Reasoning fields first, then the Plan fields, in one reply', () => {
    const properties = Object.keys(toStrictJsonSchema(schema).properties as object);
    expect(properties).toEqual([
      ...Object.keys(reasoning),
      'steps',
      'estimated_duration',
      'confidence',
    ]);
  });

  it('sends each step as a union member discriminated by action, with typed arguments', () => {
    const json = toStrictJsonSchema(schema) as {
      properties: { steps: { items: { anyOf?: unknown[]; oneOf?: unknown[] } } };
    };
    const { items } = json.properties.steps;
    const members = (items.anyOf ?? items.oneOf) as {
      properties: { action: { const: string }; args: Record<string, unknown> };
      required: string[];
    }[];
    expect(members.map((member) => member.properties.action.const)).toEqual([
      'write_file',
      'read_file',
    ]);
    expect(members[0]!.required).toEqual(['action', 'target', 'method', 'expected', 'args']);
    expect(members[0]!.properties.args).toMatchObject({
      type: 'object',
      properties: { path: { type: 'string' }, content: { type: 'string' } },
      required: ['path', 'content'],
      additionalProperties: false,
    });
  });

  it.each(WORKER_ROLES)(
    "derives the %s step union from the role's real toolkit, every action once",
    (role) => {
      const { actions } = toolkitFor(role);
      const json = JSON.stringify(toStrictJsonSchema(llmPlanSchema(actions)));
      for (const action of actions) expect(json).toContain(`"const":"${action.name}"`);
      expect(json).not.toContain('args_json');
    },
  );

  it('sends optional arguments as nullable, and a null takes the action default', () => {
    const backend = toolkitFor('backend').actions;
    const plan = llmPlanSchema(backend).parse(
      reply(
        step('install_dependency', {
          packages: ['flask'],
          requirements_file: null,
          venv: null,
        }),
      ),
    );
    expect(plan.steps[0]!.args).toEqual({ packages: ['flask'] });
    const install = backend.find((action) => action.name === 'install_dependency')!;
    expect(install.input.parse(plan.steps[0]!.args)).toMatchObject({ venv: 'venv' });
  });

  it('rejects a toolkit without actions', () => {
    expect(() => llmPlanSchema([])).toThrow(/toolkit\.actions/);
  });
});

describe('toProtocolPlan', () => {
  it('splits the reply into the Reasoning and Plan records', () => {
    const parsed = schema.parse(reply(step('read_file', { path: 'a' })));
    const { reasoning: split, plan } = toProtocolPlan(parsed);
    expect(split).toStrictEqual(reasoning);
    expect(plan).toStrictEqual({
      steps: [step('read_file', { path: 'a' })],
      estimated_duration: '1m',
      confidence: 1,
    });
  });
});
