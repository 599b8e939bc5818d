import fc from 'fast-check';

type Schema = Record<string, unknown>;

/** How long generated arrays, strings and records get when the schema sets no bound. */
const FREE_LENGTH = 3;

/**
 * Values a server's guided decoding may produce for a JSON schema (the subset codegod sends:
 * object, array, string, number, integer, boolean, null, const, enum, anyOf/oneOf, records).
 * A bound the schema does not carry is free: an unbounded `number` may be 47e6 or Infinity
 * (`1E8885455117330579` parses to it), an unbounded `integer` 16 digits long.
 */
export function jsonSchemaArbitrary(schema: unknown): fc.Arbitrary<unknown> {
  const node = (schema ?? {}) as Schema;
  if ('const' in node) return fc.constant(node.const);
  if (Array.isArray(node.enum)) return fc.constantFrom(...(node.enum as unknown[]));
  const branches = (node.anyOf ?? node.oneOf) as unknown[] | undefined;
  if (Array.isArray(branches)) return fc.oneof(...branches.map(jsonSchemaArbitrary));
  if (Array.isArray(node.type))
    return fc.oneof(...node.type.map((type) => jsonSchemaArbitrary({ ...node, type })));
  switch (node.type) {
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return fc.boolean();
    case 'integer':
      return integers(node);
    case 'number':
      return numbers(node);
    case 'string':
      return strings(node);
    case 'array':
      return fc.array(jsonSchemaArbitrary(node.items), {
        minLength: num(node.minItems) ?? 0,
        maxLength: num(node.maxItems) ?? (num(node.minItems) ?? 0) + FREE_LENGTH,
      });
    case 'object':
      return objects(node);
    default:
      return fc.jsonValue();
  }
}

const num = (value: unknown) => (typeof value === 'number' ? value : undefined);

function integers(node: Schema): fc.Arbitrary<number> {
  const min = num(node.minimum) ?? num(node.exclusiveMinimum);
  const max = num(node.maximum) ?? num(node.exclusiveMaximum);
  if (min === undefined && max === undefined)
    // 16 digits, as llama.cpp's integer grammar allows: past Number.MAX_SAFE_INTEGER.
    return fc.oneof(fc.integer(), fc.constantFrom(JSON.parse('9999999999999999') as number));
  return fc.maxSafeInteger().map((value) => {
    const low = min === undefined ? Number.MIN_SAFE_INTEGER : Math.ceil(min);
    const high = max === undefined ? Number.MAX_SAFE_INTEGER : Math.floor(max);
    return low + Math.abs(value % (high - low + 1));
  });
}

function numbers(node: Schema): fc.Arbitrary<number> {
  const min = num(node.minimum);
  const max = num(node.maximum);
  if (min === undefined && max === undefined)
    return fc.oneof(fc.double({ noNaN: true }), fc.constantFrom(47e6, Infinity, -Infinity));
  return fc.double({ noNaN: true, min: min ?? -Number.MAX_VALUE, max: max ?? Number.MAX_VALUE });
}

function strings(node: Schema): fc.Arbitrary<string> {
  const minLength = num(node.minLength) ?? 0;
  const maxLength = num(node.maxLength);
  if (typeof node.pattern === 'string') {
    const pattern = new RegExp(node.pattern);
    return fc
      .stringMatching(pattern)
      .map((text) => (maxLength === undefined ? text : text.slice(0, maxLength)))
      .filter((text) => text.length >= minLength && pattern.test(text));
  }
  return fc.string({ minLength, maxLength: maxLength ?? minLength + FREE_LENGTH * 4 });
}

function objects(node: Schema): fc.Arbitrary<unknown> {
  const properties = (node.properties ?? {}) as Record<string, unknown>;
  const required = new Set(Array.isArray(node.required) ? (node.required as string[]) : []);
  const fixed = fc.record(
    Object.fromEntries(
      Object.entries(properties).map(([name, child]) => [name, jsonSchemaArbitrary(child)]),
    ),
    { requiredKeys: [...required].filter((name) => name in properties) },
  );
  const rest = node.additionalProperties;
  if (!rest || typeof rest !== 'object') return fixed;
  const keys = node.propertyNames ? jsonSchemaArbitrary(node.propertyNames) : fc.string();
  const extra = fc.dictionary(keys as fc.Arbitrary<string>, jsonSchemaArbitrary(rest), {
    maxKeys: FREE_LENGTH,
  });
  return fc.tuple(extra, fixed).map(([more, given]) => ({ ...more, ...(given as object) }));
}
