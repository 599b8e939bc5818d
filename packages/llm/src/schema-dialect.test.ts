import { jsonSchemaArbitrary } from '@codegod/testkit';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { checkNormalisedReply, dialectJsonSchema, normaliseReply } from './schema-dialect.js';
import { SERVER_KINDS, serverKindFromModels } from './server-kind.js';

// A reply schema with every constraint kind codegod's schemas use.
const schema = z.object({
  confidence: z.number().min(0).max(1),
  exit_code: z.number().int().nullable(),
  port: z.number().int().min(1).max(65535),
  id: z
    .string()
    .max(64)
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/),
  name: z.string().min(1),
  steps: z
    .array(
      z.discriminatedUnion('action', [
        z.object({ action: z.literal('read'), path: z.string().min(1) }),
        z.object({ action: z.literal('wait'), seconds: z.number().min(0).max(60) }),
      ]),
    )
    .max(5),
  env: z.record(z.string(), z.string()),
  level: z.enum(['low', 'high']).nullable(),
});

const property = (node: unknown, path: string[]) =>
  path.reduce((at, key) => (at as Record<string, unknown>)[key], node) as Record<string, unknown>;

describe('dialectJsonSchema', () => {
  it('sends vLLM and generic servers every constraint, unions as anyOf', () => {
    for (const kind of ['vllm', 'generic'] as const) {
      const sent = dialectJsonSchema(schema, kind);
      expect(property(sent, ['properties', 'confidence'])).toMatchObject({
        minimum: 0,
        maximum: 1,
      });
      expect(property(sent, ['properties', 'steps', 'items'])).toHaveProperty('anyOf');
      expect(JSON.stringify(sent)).not.toContain('oneOf');
    }
  });

  it.each(['llama.cpp', 'ollama'] as const)(
    'drops for %s what its grammar drops: number bounds, not integer bounds or lengths',
    (kind) => {
      const sent = dialectJsonSchema(schema, kind);
      const confidence = property(sent, ['properties', 'confidence']);
      expect(confidence).toEqual({ type: 'number' });
      expect(property(sent, ['properties', 'port'])).toMatchObject({ minimum: 1, maximum: 65535 });
      expect(property(sent, ['properties', 'id'])).toMatchObject({
        maxLength: 64,
        pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]*$',
      });
      expect(property(sent, ['properties', 'name'])).toMatchObject({ minLength: 1 });
      // The zod schema and the strict schema are untouched.
      expect(schema.shape.confidence.safeParse(7).success).toBe(false);
    },
  );

  it('anchors a pattern llama.cpp would otherwise skip', () => {
    const loose = z.object({ tag: z.string().regex(/[a-z]+/) });
    const sent = dialectJsonSchema(loose, 'llama.cpp');
    expect(property(sent, ['properties', 'tag']).pattern).toBe('^([a-z]+)$');
  });
});

describe('normaliseReply', () => {
  it('clamps the numbers llama.cpp wrote past dropped bounds, Infinity included', () => {
    const reply = { confidence: 47e6, steps: [{ action: 'wait', seconds: -3 }] };
    expect(normaliseReply(reply, schema)).toEqual({
      confidence: 1,
      steps: [{ action: 'wait', seconds: 0 }],
    });
    expect(normaliseReply({ confidence: JSON.parse('1E8885455117330579') }, schema)).toEqual({
      confidence: 1,
    });
    expect(normaliseReply({ exit_code: JSON.parse('9999999999999999') }, schema)).toEqual({
      exit_code: Number.MAX_SAFE_INTEGER,
    });
  });
});

describe('serverKindFromModels', () => {
  it.each([
    ['vllm', 'vllm'],
    ['llamacpp', 'llama.cpp'],
    ['library', 'ollama'],
    ['ollama', 'ollama'],
    ['openai', 'generic'],
    [undefined, 'generic'],
  ])('reads owned_by %s as %s', (owner, kind) => {
    expect(serverKindFromModels([{ owned_by: owner }])).toBe(kind);
  });
});

it('needs the normalisation: zod alone rejects some reply llama.cpp was told is fine', () => {
  const arbitrary = jsonSchemaArbitrary(dialectJsonSchema(schema, 'llama.cpp'));
  const run = fc.check(fc.property(arbitrary, (reply) => schema.safeParse(reply).success));
  expect(run.failed).toBe(true);
});

describe.each(SERVER_KINDS)('every reply a %s server may send passes zod', (kind) => {
  it('holds for replies generated from the sent schema', () => {
    fc.assert(
      fc.property(jsonSchemaArbitrary(dialectJsonSchema(schema, kind)), (reply) => {
        const check = checkNormalisedReply(schema, reply);
        if (!check.ok) throw new Error(`${JSON.stringify(reply)}: ${check.issues.join('; ')}`);
      }),
      { numRuns: 300 },
    );
  });
});
