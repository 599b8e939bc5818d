import type { z } from 'zod';
import { checkReplyValue, type ReplyCheck } from './check-reply.js';
import type { ServerKind } from './server-kind.js';
import { type JsonSchema, toStrictJsonSchema } from './strict-json-schema.js';

// Decision: one schema in zod, one JSON schema per server kind. Each kind is sent every
// constraint its guided decoding enforces. A constraint it drops silently is not sent, and the
// reply is normalised before zod sees it (a number is clamped into its bounds), so zod never
// rejects a reply the server was told is fine.
//
// What each kind enforces (its json-schema-to-grammar or structured-outputs backend):
// - vLLM (xgrammar, falling back to guidance): the whole strict schema.
// - llama.cpp: everything codegod uses except `minimum`/`maximum` (and the exclusive forms) on
//   `number` (only `integer` ranges), and `propertyNames`; a `pattern` must start with `^`
//   and end with `$`.
// - Ollama: converts the schema with llama.cpp's converter, so the same as llama.cpp.
// - generic: unknown, so the whole schema; what it fails to enforce is a repair.

const NUMBER_BOUNDS = ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf'];

/** What a kind's decoder silently drops, as a rewrite of one schema node. */
const DROPS: Readonly<Record<ServerKind, ((node: JsonSchema) => void) | undefined>> = {
  vllm: undefined,
  generic: undefined,
  'llama.cpp': dropLlamaCppUnsupported,
  ollama: dropLlamaCppUnsupported,
};

function dropLlamaCppUnsupported(node: JsonSchema): void {
  if (node.type === 'number') for (const key of NUMBER_BOUNDS) delete node[key];
  delete node.propertyNames;
  if (typeof node.pattern === 'string' && !/^\^.*\$$/s.test(node.pattern))
    node.pattern = `^(${node.pattern})$`;
}

/** Rewrites every schema node below `node`, depth first. */
function rewrite(node: unknown, change: (node: JsonSchema) => void): unknown {
  if (Array.isArray(node)) return node.map((item) => rewrite(item, change));
  if (node === null || typeof node !== 'object') return node;
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(node)) {
    // `properties` maps names to schemas, and `enum`/`const`/`default` hold values, not schemas.
    if (key === 'properties' && value && typeof value === 'object')
      out[key] = Object.fromEntries(
        Object.entries(value).map(([name, child]) => [name, rewrite(child, change)]),
      );
    else if (key === 'enum' || key === 'const' || key === 'default') out[key] = value;
    else out[key] = rewrite(value, change);
  }
  change(out);
  return out;
}

/** Every union as `anyOf`: OpenAI's strict mode has no `oneOf`, and members here never overlap. */
function anyOfOnly(node: JsonSchema): void {
  if (Array.isArray(node.oneOf)) {
    node.anyOf = node.oneOf;
    delete node.oneOf;
  }
}

const cache = new WeakMap<z.ZodType, Map<ServerKind, JsonSchema>>();

/** The JSON schema sent to a server of `kind` for `schema` (strict shape; cached). */
export function dialectJsonSchema(schema: z.ZodType, kind: ServerKind): JsonSchema {
  const byKind = cache.get(schema) ?? new Map<ServerKind, JsonSchema>();
  cache.set(schema, byKind);
  const cached = byKind.get(kind);
  if (cached) return cached;
  const drop = DROPS[kind];
  const sent = rewrite(toStrictJsonSchema(schema), (node) => {
    anyOfOnly(node);
    drop?.(node);
  }) as JsonSchema;
  byKind.set(kind, sent);
  return sent;
}

/**
 * A parsed reply brought inside what zod checks where no server is told: numbers clamped into
 * their bounds (dropped for llama.cpp and Ollama), non-finite numbers (`1E888…` parses to
 * Infinity) to the largest finite ones, and integers (a grammar allows 16 digits) into the
 * safe range. Everything else is returned as it is, for zod to judge.
 */
export function normaliseReply(value: unknown, schema: z.ZodType): unknown {
  return clampNumbers(value, toStrictJsonSchema(schema));
}

/** Checks a parsed reply with `schema` after normaliseReply: what every client's check runs. */
export function checkNormalisedReply<S extends z.ZodType>(
  schema: S,
  json: unknown,
): ReplyCheck<z.output<S>> {
  return checkReplyValue(schema, normaliseReply(json, schema));
}

function clampNumbers(value: unknown, node: JsonSchema | undefined): unknown {
  if (!node || typeof node !== 'object') return value;
  const branches = (node.anyOf ?? node.oneOf) as JsonSchema[] | undefined;
  if (Array.isArray(branches))
    return clampNumbers(
      value,
      branches.find((b) => fits(value, b)),
    );
  if (typeof value === 'number' && (node.type === 'number' || node.type === 'integer'))
    return clamp(value, node);
  if (Array.isArray(value)) {
    const items = node.items as JsonSchema | undefined;
    return value.map((item) => clampNumbers(item, items));
  }
  if (value !== null && typeof value === 'object') {
    const properties = (node.properties ?? {}) as Record<string, JsonSchema>;
    const rest = node.additionalProperties;
    return Object.fromEntries(
      Object.entries(value).map(([name, child]) => [
        name,
        clampNumbers(
          child,
          properties[name] ?? (rest && typeof rest === 'object' ? (rest as JsonSchema) : undefined),
        ),
      ]),
    );
  }
  return value;
}

function clamp(value: number, node: JsonSchema): number {
  const limit = node.type === 'integer' ? Number.MAX_SAFE_INTEGER : Number.MAX_VALUE;
  let clamped = Math.max(-limit, Math.min(limit, value));
  if (typeof node.minimum === 'number') clamped = Math.max(clamped, node.minimum);
  if (typeof node.maximum === 'number') clamped = Math.min(clamped, node.maximum);
  return clamped;
}

/** Whether `value` has the type of `branch` and its `const` properties (the union's tag). */
function fits(value: unknown, branch: JsonSchema): boolean {
  const types = Array.isArray(branch.type) ? branch.type : [branch.type];
  const type =
    value === null
      ? 'null'
      : Array.isArray(value)
        ? 'array'
        : typeof value === 'number'
          ? Number.isInteger(value)
            ? 'integer'
            : 'number'
          : typeof value;
  const typed =
    branch.type === undefined ||
    types.includes(type) ||
    (type === 'integer' && types.includes('number'));
  if (!typed) return false;
  if (type !== 'object') return true;
  const properties = (branch.properties ?? {}) as Record<string, JsonSchema>;
  return Object.entries(properties).every(
    ([name, child]) =>
      !('const' in child) || (value as Record<string, unknown>)[name] === child.const,
  );
}
