import { z } from 'zod';

// Why the arguments the LLM writes differ from the action's own input schema:
// - Strict JSON schema (OpenAI, vLLM) needs every property required, so an optional argument
//   is sent as "this type or null", and null means "use the action's default".
// - Record keys are any string: llama.cpp and Ollama drop `propertyNames`, and a reply their
//   grammar allowed must not be rejected. The action's own schema still checks every key
//   before anything runs, and refuses the step with a clear message.

/** The arguments of an action as the LLM writes them; parsing drops the nulls it wrote. */
export function llmArgsSchema(input: z.ZodObject) {
  const optional = new Set<string>();
  const shape = Object.fromEntries(
    Object.entries(input.shape).map(([name, field]) => {
      const sent = withAnyRecordKeys(field as z.ZodType);
      if ((field as z.ZodType)._zod.optin === undefined) return [name, sent];
      optional.add(name);
      return [name, sent.nullable()];
    }),
  );
  return z
    .object(shape)
    .transform((args) =>
      Object.fromEntries(
        Object.entries(args).filter(([name, value]) => !(value === null && optional.has(name))),
      ),
    );
}

/** `field` with the key schema of a record (under defaults and optionals) relaxed to strings. */
function withAnyRecordKeys(field: z.ZodType): z.ZodType {
  const def = field._zod.def as { type: string } & Record<string, unknown>;
  let relaxed: z.ZodType;
  if (def.type === 'record') relaxed = z.record(z.string(), def.valueType as z.ZodType);
  else if (def.type === 'default')
    relaxed = withAnyRecordKeys(def.innerType as z.ZodType).default(def.defaultValue as never);
  else if (def.type === 'optional')
    relaxed = withAnyRecordKeys(def.innerType as z.ZodType).optional();
  else return field;
  return field.description ? relaxed.describe(field.description) : relaxed;
}
