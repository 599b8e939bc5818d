import {
  cappedList,
  cappedText,
  jsonNestingDepth,
  MAX_JSON_NESTING_DEPTH,
} from '@codegod/protocol';
import type { z } from 'zod';

/**
 * The outcome of checking one raw reply against the schema. A failure whose reply was a JSON
 * object carries it (`json`) and the top-level fields the issues are about (`invalidFields`),
 * so a repair can re-ask for those fields only.
 */
export type ReplyCheck<T> =
  | { ok: true; value: T }
  | { ok: false; issues: string[]; json?: Record<string, unknown>; invalidFields?: string[] };

/** The outcome of reading one raw reply as JSON, before any schema. */
export type ReplyJson = { ok: true; json: unknown } | { ok: false; issues: string[] };

// Servers without guided decoding (Ollama, llama.cpp with some templates) often fence JSON.
const FENCE = /^\s*```(?:json)?\s*\n([\s\S]*?)\n?```\s*$/;

/** How many problems a check lists (then "and N more"), and how long each may be. */
const MAX_ISSUES = 20;
const MAX_ISSUE_CHARS = 300;

/**
 * Reads a raw reply as JSON. A reply nested deeper than MAX_JSON_NESTING_DEPTH is refused
 * before it is parsed: later stringifying it (events, reports) would overflow the stack.
 */
export function parseReplyJson(
  content: string | null | undefined,
  finishReason: string | null | undefined,
): ReplyJson {
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
  try {
    return { ok: true, json: JSON.parse(text) };
  } catch (error) {
    const issue = `the reply is not valid JSON: ${(error as Error).message}`;
    return { ok: false, issues: [cappedText(issue, MAX_ISSUE_CHARS)] };
  }
}

/**
 * Checks a parsed reply against `schema`, listing its problems (the first MAX_ISSUES, then how
 * many more) and, for an object reply, the top-level fields they are about.
 */
export function checkReplyValue<S extends z.ZodType>(
  schema: S,
  json: unknown,
): ReplyCheck<z.output<S>> {
  const parsed = schema.safeParse(json);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issues = parsed.error.issues.slice(0, MAX_ISSUES + 1).map((issue) => {
    const where = issue.path.length ? issue.path.join('.') : '(root)';
    return cappedText(`${where}: ${issue.message}`, MAX_ISSUE_CHARS);
  });
  const more = parsed.error.issues.length - MAX_ISSUES;
  const listed = more > 0 ? [...issues.slice(0, MAX_ISSUES), `and ${more} more problems`] : issues;
  const isObject = json !== null && typeof json === 'object' && !Array.isArray(json);
  // An issue at the root (wrong type, a cross-field refinement) makes the whole reply suspect.
  const atRoot = parsed.error.issues.some((issue) => issue.path.length === 0);
  if (!isObject || atRoot) return { ok: false, issues: listed };
  const invalidFields = [...new Set(parsed.error.issues.map((issue) => String(issue.path[0])))];
  return { ok: false, issues: listed, json: json as Record<string, unknown>, invalidFields };
}

/** Parses a raw reply as JSON and checks it against `schema` (parseReplyJson, checkReplyValue). */
export function checkReply<S extends z.ZodType>(
  schema: S,
  content: string | null | undefined,
  finishReason: string | null | undefined,
): ReplyCheck<z.output<S>> {
  const read = parseReplyJson(content, finishReason);
  return read.ok ? checkReplyValue(schema, read.json) : read;
}

/**
 * The user message that re-asks the model after an invalid reply. With `fields`, only those
 * top-level fields are asked for again; the rest of the reply was fine and is kept.
 */
export function repairMessage(schemaName: string, issues: string[], fields?: string[]): string {
  const ask = fields
    ? `The other fields are fine and kept. Reply with only a JSON object holding the corrected ${fields.map((f) => `"${f}"`).join(', ')}, and nothing else.`
    : 'Reply again with only the corrected JSON value, and nothing else.';
  return [
    `Your previous reply does not match the JSON schema "${schemaName}":`,
    ...cappedList(issues, MAX_ISSUES).map((issue) => `- ${cappedText(issue, MAX_ISSUE_CHARS)}`),
    ask,
  ].join('\n');
}
