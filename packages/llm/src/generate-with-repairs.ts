import { cappedText } from '@codegod/protocol';
import type { z } from 'zod';
import { checkReply, repairMessage } from './check-reply.js';
import { LlmReplyInvalidError } from './errors/llm-reply-invalid-error.js';
import type { ChatMessage, GenerateOptions, GenerateResult, TokenUsage } from './llm-client.js';
import { plausibleUsage } from './plausible-usage.js';
import { addUsage, emptyUsage, type TokenMeter } from './token-meter.js';

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
  /** Sends one request with the conversation so far and returns the raw reply. */
  complete(conversation: ChatMessage[]): Promise<RawReply>;
}

/**
 * The repair loop every LlmClient shares: ask, check the reply against `schema`, and re-ask
 * with the bad reply and its errors up to `maxRepairs` times, then throw LlmReplyInvalidError.
 * Usage sums every attempt and is metered even when the call fails.
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
  try {
    for (;;) {
      attempts++;
      const reply = await settings.complete(conversation);
      // Any backend may report impossible figures; they are never summed.
      usage = addUsage(usage, plausibleUsage(reply.usage));
      const check = checkReply(schema, reply.content, reply.finishReason);
      if (check.ok) return { value: check.value, usage, attempts };
      if (attempts > settings.maxRepairs)
        throw new LlmReplyInvalidError(settings.baseURL, {
          schemaName: options.schemaName,
          rawReply: reply.content ?? '',
          issues: check.issues,
          attempts,
        });
      conversation.push(
        { role: 'assistant', content: cappedText(reply.content ?? '', MAX_REPAIR_ECHO_CHARS) },
        { role: 'user', content: repairMessage(options.schemaName, check.issues) },
      );
    }
  } finally {
    await meter(settings.tokenMeter, usage, options);
  }
}

async function meter(
  tokenMeter: TokenMeter | undefined,
  usage: TokenUsage,
  options: GenerateOptions,
): Promise<void> {
  if (!tokenMeter || usage.totalTokens === 0) return;
  try {
    await tokenMeter.record(usage, {
      runId: options.runId,
      role: options.role,
      phase: options.phase,
    });
  } catch {
    // Accounting is best effort: a metrics write that fails must not fail a paid-for reply.
  }
}
