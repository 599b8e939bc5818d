import { z } from 'zod';

/** A JSON Schema object, as sent in `response_format.json_schema.schema`. */
export type JsonSchema = Record<string, unknown>;

const cache = new WeakMap<z.ZodType, JsonSchema>();

/** Forces the OpenAI strict-mode shape on every object: all properties required, no extras. */
function makeStrict(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(makeStrict);
  if (node === null || typeof node !== 'object') return node;
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(node)) out[key] = makeStrict(value);
  const properties = out.properties;
  // Records (no `properties`) keep their `additionalProperties` schema.
  if (out.type === 'object' && properties && typeof properties === 'object') {
    out.required = Object.keys(properties);
    out.additionalProperties = false;
  }
  return out;
}

/**
 * The JSON Schema of `schema` in OpenAI strict-mode shape (cached per schema). Optional
 * properties become required too, because strict mode demands it; model nullable fields
 * with `.nullable()` instead of `.optional()`.
 */
export function toStrictJsonSchema(schema: z.ZodType): JsonSchema {
  const cached = cache.get(schema);
  if (cached) return cached;
  // The model writes what zod parses, so describe the input side (a transform's source type).
  // `unrepresentable: 'any'` lets custom checks through; zod still runs them on parse.
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io: 'input',
    unrepresentable: 'any',
  }) as JsonSchema;
  const strict = makeStrict(json) as JsonSchema;
  cache.set(schema, strict);
  return strict;
}
