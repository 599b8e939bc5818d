import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { toStrictJsonSchema } from './strict-json-schema.js';
import { minimalJsonValue } from './testing/minimal-json-value.js';

describe('toStrictJsonSchema', () => {
  const schema = z.object({
    name: z.string(),
    note: z.string().nullable(),
    extra: z.number().optional(),
    steps: z.array(z.object({ action: z.enum(['write', 'run']) })).min(1),
    tags: z.record(z.string(), z.string()),
  });

  it('requires every property and forbids extras on every object, records aside', () => {
    const json = toStrictJsonSchema(schema) as {
      required: string[];
      additionalProperties: unknown;
      properties: Record<string, Record<string, unknown>>;
    };
    expect(json.required).toEqual(['name', 'note', 'extra', 'steps', 'tags']);
    expect(json.additionalProperties).toBe(false);
    expect(json.properties.note!.type).toEqual(['string', 'null']);
    const item = (json.properties.steps!.items as Record<string, unknown>) ?? {};
    expect(item.additionalProperties).toBe(false);
    expect(json.properties.tags!.additionalProperties).toEqual({ type: 'string' });
    expect(json).not.toHaveProperty('$schema');
  });

  it("describes what the model must write: a transform's input type", () => {
    const json = toStrictJsonSchema(z.object({ port: z.string().transform(Number) })) as {
      properties: Record<string, unknown>;
    };
    expect(json.properties.port).toEqual({ type: 'string' });
  });

  it('returns the same object for the same schema', () => {
    expect(toStrictJsonSchema(schema)).toBe(toStrictJsonSchema(schema));
  });

  it('gives a schema whose minimal value the zod schema accepts', () => {
    const plan = z.object({
      steps: z.array(z.object({ n: z.number().int().positive(), s: z.string().min(2) })).min(2),
      mode: z.enum(['fast', 'slow']),
      parent: z.object({ id: z.string() }).nullable(),
      done: z.boolean(),
    });
    const value = minimalJsonValue(toStrictJsonSchema(plan));
    expect(plan.parse(value)).toEqual({
      steps: [
        { n: 1, s: 'xx' },
        { n: 1, s: 'xx' },
      ],
      mode: 'fast',
      parent: null,
      done: false,
    });
  });
});
