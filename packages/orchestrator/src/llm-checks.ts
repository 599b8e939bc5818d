import { basename } from 'node:path';
import {
  type AcceptanceCheck,
  HTTP_CHECK_METHODS,
  type TaskGraphError,
  withEveryCheckField,
} from '@codegod/protocol';
import { z } from 'zod';

// The LLM writes checks in a strict-JSON-schema shape: every field present, `null` for "use
// the default", and a plain union (`anyOf`; OpenAI's strict mode has no `oneOf`). They are
// turned into protocol checks by dropping the nulls, then validateTaskGraph checks them.

const nullableInt = z.number().int().nullable();

/** A `command` check as the LLM writes it. */
const llmCommandCheckSchema = z.object({
  type: z.literal('command'),
  argv: z.array(z.string()).describe('the program and its arguments; no shell'),
  cwd: z.string().nullable(),
  exit_code: nullableInt,
  stdout_regex: z.string().nullable(),
  stderr_regex: z.string().nullable(),
  timeout_ms: nullableInt,
});

/** A `file` check as the LLM writes it. */
const llmFileCheckSchema = z.object({
  type: z.literal('file'),
  path: z.string(),
  content_regex: z.string().nullable(),
});

/** An `http` check as the LLM writes it. */
const llmHttpCheckSchema = z.object({
  type: z.literal('http'),
  service: z.array(z.string()).describe('the argv that starts the service; no shell'),
  cwd: z.string().nullable(),
  port: z.number().int(),
  method: z.enum(HTTP_CHECK_METHODS).nullable(),
  path: z.string().nullable(),
  status: nullableInt,
  body_regex: z.string().nullable(),
  startup_timeout_ms: nullableInt,
  timeout_ms: nullableInt,
});

/** One acceptance check as the LLM writes it. */
export const llmCheckSchema = z.union([
  llmCommandCheckSchema,
  llmFileCheckSchema,
  llmHttpCheckSchema,
]);
/** One acceptance check as the LLM writes it. */
export type LlmCheck = z.infer<typeof llmCheckSchema>;

/** A protocol check in the LLM's shape: every field present, null where it has none. */
export function toLlmCheck(check: AcceptanceCheck): LlmCheck {
  return llmCheckSchema.parse(withEveryCheckField(check));
}

/** A protocol check from the LLM's: null fields take their defaults. */
export function fromLlmCheck(check: LlmCheck): AcceptanceCheck {
  return Object.fromEntries(
    Object.entries(check).filter(([, value]) => value !== null),
  ) as AcceptanceCheck;
}

/** Programs that read a shell command line; checks the LLM proposes may not start one. */
const SHELLS = new Set([
  'sh',
  'bash',
  'dash',
  'zsh',
  'ksh',
  'ash',
  'fish',
  'csh',
  'tcsh',
  'busybox',
]);

/** The program a check starts, if any. */
function programOf(check: LlmCheck | AcceptanceCheck): string | undefined {
  if (check.type === 'command') return check.argv[0];
  if (check.type === 'http') return check.service[0];
  return undefined;
}

/**
 * Errors for checks that start a shell. A check the LLM proposes is an argv with no shell; a
 * shell line is for the user's own `--check`, whose author is the user.
 */
export function shellCheckErrors(
  checks: readonly (LlmCheck | AcceptanceCheck)[],
  owner: { label: string; taskIds: string[] },
): TaskGraphError[] {
  return checks.flatMap((check, index) => {
    const program = programOf(check);
    if (program === undefined || !SHELLS.has(basename(program))) return [];
    return [
      {
        code: 'invalid-check' as const,
        message: `${owner.label}: acceptance[${index}] starts the shell ${basename(program)}; a check is an argv with no shell: name the program itself, e.g. ["venv/bin/python", "-m", "pytest", "-q"]`,
        task_ids: owner.taskIds,
      },
    ];
  });
}
