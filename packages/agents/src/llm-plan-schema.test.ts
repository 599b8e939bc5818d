import { toStrictJsonSchema } from '@codegod/llm';
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
const step = (action: string, args_json: string) => ({
  action,
  target: 't',
  method: 'm',
  expected: 'e',
  args_json,
});

describe('llmPlanSchema', () => {
  it('only accepts the toolkit action names', () => {
    const plan = {
      ...reasoning,
      steps: [step('write_file', '{}')],
      estimated_duration: '1m',
      confidence: 1,
    };
    expect(schema.safeParse(plan).success).toBe(true);
    expect(schema.safeParse({ ...plan, steps: [step('rm_rf', '{}')] }).success).toBe(false);
  });

  it('is expressible as an OpenAI strict JSON schema: closed objects, no open records', () => {
    const json = JSON.stringify(toStrictJsonSchema(schema));
    expect(json).toContain('"enum":["write_file","read_file"]');
    expect(json).not.toContain('"additionalProperties":{');
    expect(json).not.toContain('"additionalProperties":true');
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

  it('rejects a toolkit without actions', () => {
    expect(() => llmPlanSchema([])).toThrow(/toolkit\.actions/);
  });
});

describe('toProtocolPlan', () => {
  it('splits the reply into the Reasoning and Plan records', () => {
    const { reasoning: split, plan } = toProtocolPlan({
      ...reasoning,
      steps: [],
      estimated_duration: '1m',
      confidence: 0.5,
    });
    expect(split).toStrictEqual(reasoning);
    expect(plan).toStrictEqual({ steps: [], estimated_duration: '1m', confidence: 0.5 });
  });

  it('parses args_json into args and names the steps whose args cannot be read', () => {
    const { plan, argsProblems } = toProtocolPlan({
      ...reasoning,
      steps: [
        step('write_file', '{"path":"a","content":"b"}'),
        step('read_file', 'not json'),
        step('read_file', '["a"]'),
      ],
      estimated_duration: '1m',
      confidence: 0.5,
    });
    expect(plan.steps.map((s) => s.args)).toEqual([{ path: 'a', content: 'b' }, {}, {}]);
    expect(plan.steps[0]).not.toHaveProperty('args_json');
    expect(argsProblems[0]).toBeUndefined();
    expect(argsProblems[1]).toMatch(/not valid JSON/);
    expect(argsProblems[2]).toMatch(/must be a JSON object/);
  });

  it('refuses args_json nested past the depth limit, so nothing deep reaches events or reports', () => {
    const deep = `{"path":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    const { plan, argsProblems } = toProtocolPlan({
      ...reasoning,
      steps: [step('write_file', deep)],
      estimated_duration: '1m',
      confidence: 0.5,
    });
    expect(plan.steps[0]?.args).toEqual({});
    expect(argsProblems[0]).toMatch(/^args_json nests arrays and objects more than 64 levels deep/);
    expect(argsProblems[0]!.length).toBeLessThan(300);
    expect(() => JSON.stringify(plan)).not.toThrow();
  });
});
