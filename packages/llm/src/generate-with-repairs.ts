import type { TokenUsage } from '@codegod/protocol';
import { addUsage, cappedText, emptyUsage, type TokenMeter } from '@codegod/protocol';
import { z } from 'zod';
import { parseReplyJson, type ReplyCheck, repairMessage } from './check-reply.js';
import { LlmReplyInvalidError } from './errors/llm-reply-invalid-error.js';
import type { ChatMessage, GenerateOptions, GenerateResult } from './llm-client.js';
import { plausibleUsage } from './plausible-usage.js';
import { checkNormalisedReply } from './schema-dialect.js';

/**
 * How much of an invalid reply a repair echoes back to the model. A reply within the token
 * limit is far shorter (4096 tokens is about 16,000 characters); echoing more only makes every
 * later request of the call larger.
 */
export const MAX_REPAIR_ECHO_CHARS = 16_000;

/** One raw chat completion, before it is checked against the schema. */
export interface RawReply {
  content: string | null;
  finishReason: string | null;
  usage: TokenUsage;
}

/** What the repair loop needs from the client that runs it. */
export interface RepairLoopSettings {
  /** Where the requests go; named by LlmReplyInvalidError. */
  baseURL: string;
  /** How many times an invalid or cut-off reply is re-asked. */
  maxRepairs: number;
  /** Where the tokens of every attempt are recorded, best effort. Default: none. */
  tokenMeter?: TokenMeter;
  /**
   * Sends one request with the conversation so far and returns the raw reply. `schema` is what
   * this request asks for: the call's schema, or on a repair the part of it that was invalid.
   * An adapter that always sends the call's whole schema still works: the fields of its reply
   * replace the kept ones.
   */
  complete(conversation: ChatMessage[], schema: z.ZodType): Promise<RawReply>;
}

/**
 * The repair loop every LlmClient shares: ask, check the reply against `schema`, and re-ask
 * with the bad reply and its errors up to `maxRepairs` times, then throw LlmReplyInvalidError.
 * When the reply is an object whose problems lie in some of its top-level fields, the repair
 * asks for those fields only and keeps the rest. Usage sums every attempt and is metered even
 * when the call fails.
 */
export async function generateWithRepairs<S extends z.ZodType>(
  schema: S,
  messages: ChatMessage[],
  options: GenerateOptions,
  settings: RepairLoopSettings,
): Promise<GenerateResult<z.output<S>>> {
  const conversation: ChatMessage[] = [...messages];
  let usage = emptyUsage();
  let attempts = 0;
  let asked: z.ZodType = schema;
  let kept: Record<string, unknown> | undefined;
  let metered: Promise<void> | undefined;
  try {
    for (;;) {
      attempts++;
      const reply = await settings.complete(conversation, asked);
      // Any backend may report impossible figures; they are never summed.
      usage = addUsage(usage, plausibleUsage(reply.usage));
      const check = checkWithKept(schema, reply, kept);
      if (check.ok) {
        // A valid reply goes back at once; its metering goes on beside the caller's next step.
        metered = meter(settings.tokenMeter, usage, options);
        return { value: check.value, usage, attempts, ...(metered ? { metered } : {}) };
      }
      if (attempts > settings.maxRepairs)
        throw new LlmReplyInvalidError(settings.baseURL, {
          schemaName: options.schemaName,
          rawReply: reply.content ?? '',
          issues: check.issues,
          attempts,
        });
      const partial = partialRepair(schema, check);
      asked = partial?.schema ?? schema;
      kept = partial?.kept;
      conversation.push(
        { role: 'assistant', content: cappedText(reply.content ?? '', MAX_REPAIR_ECHO_CHARS) },
        {
          role: 'user',
          content: repairMessage(options.schemaName, check.issues, partial?.fields),
        },
      );
    }
  } finally {
    // A failed call is metered before it throws: nothing is left to wait for it.
    if (!metered) await meter(settings.tokenMeter, usage, options);
  }
}

/**
 * Checks a reply against the whole schema, its fields laid over the kept ones of a repair,
 * after normalising what no server is told (see normaliseReply).
 */
function checkWithKept<S extends z.ZodType>(
  schema: S,
  reply: RawReply,
  kept: Record<string, unknown> | undefined,
): ReplyCheck<z.output<S>> {
  const read = parseReplyJson(reply.content, reply.finishReason);
  if (!read.ok) return read;
  const isObject = read.json !== null && typeof read.json === 'object' && !Array.isArray(read.json);
  const json =
    kept && isObject ? { ...kept, ...(read.json as Record<string, unknown>) } : read.json;
  return checkNormalisedReply(schema, json);
}

/**
 * What a repair asks for when only some top-level fields of an object reply were invalid:
 * those fields (as a schema of their own) and the valid ones to keep. Undefined when the whole
 * value must be asked for again.
 */
function partialRepair(schema: z.ZodType, check: ReplyCheck<unknown>) {
  if (check.ok || !check.json || !check.invalidFields || !(schema instanceof z.ZodObject))
    return undefined;
  const names = Object.keys(schema.shape);
  const fields = check.invalidFields;
  if (fields.length >= names.length || !fields.every((field) => names.includes(field)))
    return undefined;
  const json = check.json;
  const kept = Object.fromEntries(
    names
      .filter((name) => !fields.includes(name) && name in json)
      .map((name) => [name, json[name]]),
  );
  const shape = Object.fromEntries(fields.map((field) => [field, schema.shape[field]!]));
  return { fields, kept, schema: z.object(shape) as z.ZodType };
}

/** Records `usage`; undefined when there is nothing to record. The promise never rejects. */
function meter(
  tokenMeter: TokenMeter | undefined,
  usage: TokenUsage,
  options: GenerateOptions,
): Promise<void> | undefined {
  if (!tokenMeter || usage.totalTokens === 0) return undefined;
  const labels = { runId: options.runId, role: options.role, phase: options.phase };
  // Accounting is best effort: a metrics write that fails must not fail a paid-for reply. The
  // write starts here, before the value goes back, so it is sent ahead of the caller's next one.
  try {
    return tokenMeter.record(usage, labels).catch(() => undefined);
  } catch {
    return Promise.resolve();
  }
}
