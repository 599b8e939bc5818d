import type { z } from 'zod';

/** The outcome of checking one raw reply against the schema. */
export type ReplyCheck<T> = { ok: true; value: T } | { ok: false; issues: string[] };

// Servers without guided decoding (Ollama, llama.cpp with some templates) often fence JSON.
const FENCE = /^\s*```(?:json)?\s*\n([\s\S]*?)\n?```\s*$/;

/** Parses a raw reply as JSON and checks it against `schema`, listing every problem found. */
export function checkReply<S extends z.ZodType>(
  schema: S,
  content: string | null | undefined,
  finishReason: string | null | undefined,
): ReplyCheck<z.output<S>> {
  if (finishReason === 'length')
    return {
      ok: false,
      issues: ['the reply was cut off at the token limit; answer with a shorter JSON value'],
    };
  if (content === null || content === undefined || content.trim() === '')
    return { ok: false, issues: ['the reply was empty; answer with a JSON value'] };
  let json: unknown;
  try {
    json = JSON.parse(FENCE.exec(content)?.[1] ?? content);
  } catch (error) {
    return { ok: false, issues: [`the reply is not valid JSON: ${(error as Error).message}`] };
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return { ok: true, value: parsed.data };
  return {
    ok: false,
    issues: parsed.error.issues.map(
      (issue) => `${issue.path.length ? issue.path.join('.') : '(root)'}: ${issue.message}`,
    ),
  };
}

/** The user message that re-asks the model after an invalid reply. */
export function repairMessage(schemaName: string, issues: string[]): string {
  return [
    `Your previous reply does not match the JSON schema "${schemaName}":`,
    ...issues.map((issue) => `- ${issue}`),
    'Reply again with only the corrected JSON value, and nothing else.',
  ].join('\n');
}
