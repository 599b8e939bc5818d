import {
  cappedList,
  cappedText,
  jsonNestingDepth,
  MAX_JSON_NESTING_DEPTH,
} from '@codegod/protocol';
import type { z } from 'zod';

/** The outcome of checking one raw reply against the schema. */
export type ReplyCheck<T> = { ok: true; value: T } | { ok: false; issues: string[] };

// Servers without guided decoding (Ollama, llama.cpp with some templates) often fence JSON.
const FENCE = /^\s*```(?:json)?\s*\n([\s\S]*?)\n?```\s*$/;

/** How many problems a check lists (then "and N more"), and how long each may be. */
const MAX_ISSUES = 20;
const MAX_ISSUE_CHARS = 300;

/**
 * Parses a raw reply as JSON and checks it against `schema`, listing its problems (the first
 * MAX_ISSUES, then how many more). A reply nested deeper than MAX_JSON_NESTING_DEPTH is refused
 * before it is parsed: later stringifying it (events, reports) would overflow the stack.
 */
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
  const text = FENCE.exec(content)?.[1] ?? content;
  if (jsonNestingDepth(text, MAX_JSON_NESTING_DEPTH) > MAX_JSON_NESTING_DEPTH)
    return {
      ok: false,
      issues: [
        `the reply nests arrays and objects more than ${MAX_JSON_NESTING_DEPTH} levels deep; answer with a flatter JSON value`,
      ],
    };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const issue = `the reply is not valid JSON: ${(error as Error).message}`;
    return { ok: false, issues: [cappedText(issue, MAX_ISSUE_CHARS)] };
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issues = parsed.error.issues.slice(0, MAX_ISSUES + 1).map((issue) => {
    const where = issue.path.length ? issue.path.join('.') : '(root)';
    return cappedText(`${where}: ${issue.message}`, MAX_ISSUE_CHARS);
  });
  const more = parsed.error.issues.length - MAX_ISSUES;
  return {
    ok: false,
    issues: more > 0 ? [...issues.slice(0, MAX_ISSUES), `and ${more} more problems`] : issues,
  };
}

/** The user message that re-asks the model after an invalid reply. */
export function repairMessage(schemaName: string, issues: string[]): string {
  return [
    `Your previous reply does not match the JSON schema "${schemaName}":`,
    ...cappedList(issues, MAX_ISSUES).map((issue) => `- ${cappedText(issue, MAX_ISSUE_CHARS)}`),
    'Reply again with only the corrected JSON value, and nothing else.',
  ].join('\n');
}
