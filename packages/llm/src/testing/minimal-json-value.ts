type Schema = Record<string, unknown>;

const MAX_DEPTH = 32;

function resolveRef(ref: string, root: Schema): Schema {
  if (ref === '#') return root;
  const path = ref.replace(/^#\//, '').split('/');
  let node: unknown = root;
  for (const part of path)
    node = (node as Schema | undefined)?.[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  return (node as Schema | undefined) ?? {};
}

function isNullSchema(schema: unknown): boolean {
  return (schema as Schema | undefined)?.type === 'null';
}

function minimalNumber(schema: Schema, integer: boolean): number {
  if (typeof schema.minimum === 'number')
    return integer ? Math.ceil(schema.minimum) : schema.minimum;
  if (typeof schema.exclusiveMinimum === 'number')
    return integer ? Math.floor(schema.exclusiveMinimum) + 1 : schema.exclusiveMinimum + 1;
  if (typeof schema.maximum === 'number' && schema.maximum < 0)
    return integer ? Math.floor(schema.maximum) : schema.maximum;
  if (typeof schema.exclusiveMaximum === 'number' && schema.exclusiveMaximum <= 0)
    return Math.ceil(schema.exclusiveMaximum) - 1;
  return 0;
}

/**
 * The smallest value valid for a JSON Schema, as the scripted server's default reply: `""`
 * (or minLength "x"s), numbers at their minimum or 0, arrays of minItems minimal items, enums'
 * first value, objects with every required property, `null` where null is allowed. Follows
 * `$ref` into `$defs`.
 */
export function minimalJsonValue(schema: unknown, root: unknown = schema, depth = 0): unknown {
  if (depth > MAX_DEPTH || schema === null || typeof schema !== 'object') return null;
  const node = schema as Schema;
  const next = (child: unknown) => minimalJsonValue(child, root, depth + 1);
  if (typeof node.$ref === 'string') return next(resolveRef(node.$ref, root as Schema));
  if ('const' in node) return node.const;
  if (Array.isArray(node.enum)) return node.enum[0];
  for (const key of ['anyOf', 'oneOf'] as const) {
    const branches = node[key];
    if (Array.isArray(branches) && branches.length > 0)
      return branches.some(isNullSchema) ? null : next(branches[0]);
  }
  if (Array.isArray(node.allOf) && node.allOf.length > 0) return next(node.allOf[0]);
  const types = Array.isArray(node.type) ? node.type : [node.type];
  if (types.includes('null')) return null;
  const type = types[0] ?? (node.properties ? 'object' : node.items ? 'array' : undefined);
  switch (type) {
    case 'string':
      return 'x'.repeat(typeof node.minLength === 'number' ? node.minLength : 0);
    case 'number':
      return minimalNumber(node, false);
    case 'integer':
      return minimalNumber(node, true);
    case 'boolean':
      return false;
    case 'array': {
      const length = typeof node.minItems === 'number' ? node.minItems : 0;
      const prefix = Array.isArray(node.prefixItems) ? node.prefixItems : [];
      return Array.from({ length: Math.max(length, prefix.length) }, (_, index) =>
        next(prefix[index] ?? node.items ?? {}),
      );
    }
    case 'object': {
      const properties = (node.properties ?? {}) as Schema;
      const required = Array.isArray(node.required) ? (node.required as string[]) : [];
      return Object.fromEntries(required.map((name) => [name, next(properties[name] ?? {})]));
    }
    default:
      return null;
  }
}
