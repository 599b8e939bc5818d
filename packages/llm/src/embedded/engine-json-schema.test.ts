import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { toStrictJsonSchema } from '../strict-json-schema.js';
import { normaliseToSchema, toEngineJsonSchema } from './engine-json-schema.js';

const check = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('file'),
    path: z.string(),
    timeout_ms: z.number().int().min(1).max(600_000).nullable(),
  }),
  z.object({
    type: z.literal('command'),
    argv: z.array(z.string()),
    timeout_ms: z.number().int().min(1).nullable(),
  }),
]);
const schema = z.object({
  id: z
    .string()
    .max(8)
    .regex(/^[a-z]+$/),
  confidence: z.number().min(0).max(1),
  checks: z.array(check),
});

describe('toEngineJsonSchema', () => {
  it('keeps what the grammar enforces, turns anyOf into oneOf and drops the rest', () => {
    const engine = JSON.stringify(toEngineJsonSchema(toStrictJsonSchema(schema)));
    expect(engine).toContain('"oneOf"');
    expect(engine).toContain('"maxLength":8');
    expect(engine).toContain('"const":"file"');
    for (const dropped of ['anyOf', 'pattern', 'minimum', 'maximum'])
      expect(engine).not.toContain(`"${dropped}"`);
  });
});

describe('normaliseToSchema', () => {
  const sent = toStrictJsonSchema(schema);

  it('clamps numbers the grammar let through (exponents, Infinity) and cuts long strings', () => {
    const reply = JSON.parse(
      '{"id":"abcdefghijk","confidence":1E8885455117330579,"checks":[{"type":"file","path":"a","timeout_ms":47e6},{"type":"command","argv":[],"timeout_ms":-3}]}',
    );
    const value = normaliseToSchema(reply, sent);
    expect(value).toEqual({
      id: 'abcdefgh',
      confidence: 1,
      checks: [
        { type: 'file', path: 'a', timeout_ms: 600_000 },
        { type: 'command', argv: [], timeout_ms: 1 },
      ],
    });
    expect(schema.safeParse(value).success).toBe(true);
  });

  it('leaves valid values and nulls alone', () => {
    const valid = {
      id: 'ab',
      confidence: 0.5,
      checks: [{ type: 'file', path: 'x', timeout_ms: null }],
    };
    expect(normaliseToSchema(valid, sent)).toEqual(valid);
  });
});
