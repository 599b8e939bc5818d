/**
 * The LlmClient adapter for a model in this process (llama.cpp through node-llama-cpp). It
 * shares the HTTP adapter's contract: one deadline per generation, the repair loop, typed
 * errors, token usage. The schema sent becomes the engine's grammar; what that grammar cannot
 * enforce is normalised after parsing (normaliseToSchema), never rejected.
 */
import { jsonNestingDepth, MAX_JSON_NESTING_DEPTH } from '@codegod/protocol';
import type { z } from 'zod';
import { deadline } from '../deadline.js';
import { LlmAbortedError } from '../errors/llm-aborted-error.js';
import { LlmCallError } from '../errors/llm-call-error.js';
import { LlmEngineError } from '../errors/llm-engine-error.js';
import { LlmTimeoutError } from '../errors/llm-timeout-error.js';
import { generateWithRepairs, type RawReply } from '../generate-with-repairs.js';
import type {
  ChatMessage,
  GenerateOptions,
  GenerateResult,
  LlmClient,
  LlmHealth,
} from '../llm-client.js';
import { Semaphore } from '../semaphore.js';
import { type JsonSchema, toStrictJsonSchema } from '../strict-json-schema.js';
import type { ResolvedEmbeddedLlmClientOptions } from './embedded-llm-client-options.js';
import { normaliseToSchema } from './engine-json-schema.js';
import type { LocalEngine } from './local-engine.js';

/** Settings the client itself reads; the engine reads the rest. */
export type EmbeddedLlmClientSettings = Pick<
  ResolvedEmbeddedLlmClientOptions,
  'sequences' | 'timeoutMs' | 'maxRepairs' | 'maxTokens' | 'temperature' | 'tokenMeter'
> & {
  /** The model name `health()` expects. Default: the engine's first name. */
  model?: string;
};

/** An LlmClient over a LocalEngine. Build the real one with createEmbeddedLlmClient. */
export class EmbeddedLlmClient implements LlmClient {
  private readonly semaphore: Semaphore;

  constructor(
    private readonly engine: LocalEngine,
    private readonly settings: EmbeddedLlmClientSettings,
  ) {
    // A generation needs a free context sequence; the semaphore is the pool's queue.
    this.semaphore = new Semaphore(settings.sequences);
  }

  /** Asks for a JSON value matching `schema`, re-asking with the errors up to `maxRepairs` times. */
  generate<S extends z.ZodType>(
    schema: S,
    messages: ChatMessage[],
    options: GenerateOptions,
  ): Promise<GenerateResult<z.output<S>>> {
    const jsonSchema = toStrictJsonSchema(schema);
    return generateWithRepairs(schema, messages, options, {
      baseURL: this.engine.location,
      maxRepairs: this.settings.maxRepairs,
      tokenMeter: this.settings.tokenMeter,
      complete: (conversation) => this.complete(jsonSchema, conversation, options),
    });
  }

  /** Loads the model (once) and says which; never throws. */
  async health(): Promise<LlmHealth> {
    try {
      const info = await this.engine.load();
      const model = this.settings.model ?? info.models[0];
      if (model === undefined || !info.models.includes(model))
        return {
          ok: false,
          models: info.models,
          message: `The embedded engine at ${this.engine.location} does not serve model "${model}"; it serves ${info.models.map((m) => `"${m}"`).join(', ')}.`,
        };
      return {
        ok: true,
        models: info.models,
        message: `${this.engine.location} serves "${model}" (${info.detail}).`,
      };
    } catch (error) {
      return {
        ok: false,
        models: [],
        message: error instanceof Error ? error.message : String(error),
      };
    }
  }

  /** Frees the model. */
  close(): Promise<void> {
    return this.engine.close();
  }

  /** One generation: waits for a free sequence, then runs under the deadline. */
  private async complete(
    jsonSchema: JsonSchema,
    conversation: ChatMessage[],
    options: GenerateOptions,
  ): Promise<RawReply> {
    const { location } = this.engine;
    const { timeoutMs } = this.settings;
    let release: (() => void) | undefined;
    let call: ReturnType<typeof deadline> | undefined;
    try {
      release = await this.semaphore.acquire(options.signal);
      call = deadline(timeoutMs, options.signal);
      const reply = await this.engine.complete({
        messages: conversation,
        jsonSchema,
        maxTokens: options.maxTokens ?? this.settings.maxTokens,
        temperature: this.settings.temperature,
        signal: call.signal,
        schemaName: options.schemaName,
        ...(options.role !== undefined ? { role: options.role } : {}),
        ...(options.phase !== undefined ? { phase: options.phase } : {}),
        ...(options.runId !== undefined ? { runId: options.runId } : {}),
      });
      return {
        content:
          reply.finishReason === 'stop' ? normalised(reply.content, jsonSchema) : reply.content,
        finishReason: reply.finishReason,
        usage: reply.usage,
      };
    } catch (error) {
      if (call?.timedOut()) throw new LlmTimeoutError(location, timeoutMs, error);
      if (options.signal?.aborted) throw new LlmAbortedError(location, error);
      if (error instanceof LlmCallError) throw error;
      const detail = error instanceof Error ? error.message : String(error);
      throw new LlmEngineError(
        location,
        `The embedded engine failed on ${location}: ${detail.split('\n')[0]}. Check the model file, or lower LLM_ENGINE_CONTEXT_SIZE if memory ran out.`,
        error,
      );
    } finally {
      call?.end();
      release?.();
    }
  }
}

/** The reply with the bounds the grammar could not enforce applied; unparsable text as it came. */
function normalised(content: string, jsonSchema: JsonSchema): string {
  // Too deep to walk safely; checkReply refuses it with its own message.
  if (jsonNestingDepth(content, MAX_JSON_NESTING_DEPTH) > MAX_JSON_NESTING_DEPTH) return content;
  let value: unknown;
  try {
    value = JSON.parse(content);
  } catch {
    return content;
  }
  return JSON.stringify(normaliseToSchema(value, jsonSchema));
}
