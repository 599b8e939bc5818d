import type { JsonSchema } from '../strict-json-schema.js';

// What node-llama-cpp's JSON-schema grammar understands; anything else would be refused or,
// worse, read differently. `anyOf` means the same as `oneOf` for a grammar.
const KEPT = new Set([
  'type',
  'properties',
  'required',
  'additionalProperties',
  'items',
  'prefixItems',
  'minItems',
  'maxItems',
  'enum',
  'const',
  'oneOf',
  'description',
  '$defs',
  '$ref',
  'minLength',
  'maxLength',
]);
const GRAMMAR_FORMATS = new Set(['date-time', 'time', 'date']);

/**
 * The grammar dialect of `schema` for node-llama-cpp: `anyOf` becomes `oneOf`, and what its
 * grammar cannot enforce (`minimum`, `maximum`, `pattern`, …) is dropped; `normaliseToSchema`
 * makes replies meet the dropped bounds after parsing.
 */
export function toEngineJsonSchema(schema: unknown): JsonSchema {
  return convert(schema) as JsonSchema;
}

function convert(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(convert);
  if (node === null || typeof node !== 'object') return node;
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'anyOf') out.oneOf = convert(value);
    else if (key === 'format' && GRAMMAR_FORMATS.has(String(value))) out.format = value;
    else if (key === 'properties' || key === '$defs')
      out[key] = Object.fromEntries(
        Object.entries(value as object).map(([k, v]) => [k, convert(v)]),
      );
    else if (KEPT.has(key)) out[key] = convert(value);
  }
  return out;
}

/**
 * Brings a parsed reply within the bounds its grammar could not enforce: numbers are clamped
 * to `minimum`/`maximum` (a grammar may emit `47e6`, or an exponent that parses to Infinity),
 * integers rounded, strings cut to `maxLength`. Never rejects: the engine was told the value
 * was fine.
 */
export function normaliseToSchema(value: unknown, schema: unknown): unknown {
  if (schema === null || typeof schema !== 'object') return value;
  const node = schema as JsonSchema;
  const branches = (node.anyOf ?? node.oneOf) as unknown[] | undefined;
  if (Array.isArray(branches)) {
    const fitting = branches.find((branch) => fits(value, branch));
    return fitting === undefined ? value : normaliseToSchema(value, fitting);
  }
  if (typeof value === 'number') return clampNumber(value, node);
  if (typeof value === 'string' && typeof node.maxLength === 'number')
    return [...value].slice(0, node.maxLength).join('');
  if (Array.isArray(value)) return value.map((item) => normaliseToSchema(item, node.items));
  if (value !== null && typeof value === 'object') {
    const properties = (node.properties ?? {}) as Record<string, unknown>;
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [
        key,
        normaliseToSchema(item, properties[key] ?? node.additionalProperties),
      ]),
    );
  }
  return value;
}

function clampNumber(value: number, node: JsonSchema): number {
  const min = typeof node.minimum === 'number' ? node.minimum : -Number.MAX_VALUE;
  const max = typeof node.maximum === 'number' ? node.maximum : Number.MAX_VALUE;
  const types = [node.type].flat();
  let result = Number.isNaN(value) ? min : Math.min(max, Math.max(min, value));
  if (types.includes('integer') && !types.includes('number')) {
    result = Math.round(result);
    if (!Number.isSafeInteger(result))
      result = result > 0 ? Number.MAX_SAFE_INTEGER : Number.MIN_SAFE_INTEGER;
  }
  return result;
}

/** Whether `value` has the JSON type (or const) a branch of a union asks for. */
function fits(value: unknown, branch: unknown): boolean {
  if (branch === null || typeof branch !== 'object') return false;
  const node = branch as JsonSchema;
  if ('const' in node) return node.const === value;
  const kind =
    value === null
      ? 'null'
      : Array.isArray(value)
        ? 'array'
        : typeof value === 'number'
          ? 'number'
          : typeof value;
  const types = [node.type].flat().filter((t) => t !== undefined);
  if (types.length === 0) return true;
  if (kind !== 'object')
    return types.includes(kind) || (kind === 'number' && types.includes('integer'));
  if (!types.includes('object')) return false;
  // Objects of a union are told apart by their `const` properties (e.g. `type: "file"`).
  const properties = (node.properties ?? {}) as Record<string, JsonSchema>;
  return Object.entries(properties).every(
    ([key, property]) =>
      !('const' in property) || (value as Record<string, unknown>)[key] === property.const,
  );
}
