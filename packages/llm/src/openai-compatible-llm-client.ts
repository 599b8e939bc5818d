/**
 * The LlmClient adapter for OpenAI-compatible servers (vLLM, Ollama, llama.cpp server, OpenAI).
 *
 * Retries: exactly one layer owns them, and it is the task bus (BullMQ attempts with backoff).
 * This client sends each request once (`maxRetries: 0` on the openai client) and marks its
 * errors `isRetryable`, so a flaky server costs one backoff schedule, not nested ones that
 * multiply load on a GPU that is already struggling. The only re-asks here are repairs of
 * invalid replies, which are a different thing: the server answered, the answer was wrong.
 *
 * Nothing a server sends is trusted: each request has one deadline that runs to the last byte
 * of the body, the body is read under a size limit (boundedFetch), the completion is read
 * through a schema, and impossible token counts are dropped.
 */
import OpenAI from 'openai';
import { z } from 'zod';
import { boundedFetch } from './bounded-fetch.js';
import { deadline } from './deadline.js';
import { LlmAbortedError } from './errors/llm-aborted-error.js';
import { LlmCallError } from './errors/llm-call-error.js';
import { LlmModelNotFoundError } from './errors/llm-model-not-found-error.js';
import { LlmServerError } from './errors/llm-server-error.js';
import { LlmTimeoutError } from './errors/llm-timeout-error.js';
import { generateWithRepairs, type RawReply } from './generate-with-repairs.js';
import type {
  ChatMessage,
  GenerateOptions,
  GenerateResult,
  LlmClient,
  LlmHealth,
} from './llm-client.js';
import type { ResolvedLlmClientOptions } from './llm-client-options.js';
import { plausibleUsage } from './plausible-usage.js';
import { dialectJsonSchema } from './schema-dialect.js';
import { Semaphore } from './semaphore.js';
import { type ServerKind, serverKindFromModels } from './server-kind.js';
import { toLlmCallError } from './to-llm-call-error.js';

// `/v1/models` is read through a schema like every other reply; `owned_by` tells the server kind.
const modelListSchema = z.object({
  data: z.array(z.object({ id: z.string(), owned_by: z.unknown().optional() })),
});

// Only what the client reads; usage figures are checked one by one by plausibleUsage.
const chatCompletionSchema = z.object({
  choices: z.array(
    z.object({
      message: z.object({ content: z.string().nullish() }).nullish(),
      finish_reason: z.string().nullish(),
    }),
  ),
  usage: z.unknown(),
});

const responseFormats = new WeakMap<z.ZodType, Map<string, string>>();

/** The JSON text of the `response_format` asking a server of `kind` for `schema` (cached). */
function responseFormatJson(schema: z.ZodType, kind: ServerKind, name: string): string {
  const byKey = responseFormats.get(schema) ?? new Map<string, string>();
  responseFormats.set(schema, byKey);
  const key = `${kind}\n${name}`;
  let text = byKey.get(key);
  if (text === undefined) {
    text = JSON.stringify({
      type: 'json_schema',
      json_schema: { name, schema: dialectJsonSchema(schema, kind), strict: true },
    });
    byKey.set(key, text);
  }
  return text;
}

/** An LlmClient over any OpenAI-compatible chat completions API. Build it with createLlmClient. */
export class OpenAiCompatibleLlmClient implements LlmClient {
  private readonly openai: OpenAI;
  private readonly semaphore: Semaphore;
  /** The model asked for: the configured one, or the only one the server serves (see health). */
  private model: string;
  /** The server kind `/v1/models` showed, once read (with `serverKind: auto`). */
  private detectedKind: ServerKind | undefined;
  /** The one `/v1/models` read for the kind, shared by the calls that wait for it. */
  private detecting: Promise<unknown> | undefined;

  constructor(private readonly options: ResolvedLlmClientOptions) {
    this.model = options.model;
    this.openai = new OpenAI({
      baseURL: options.baseURL,
      apiKey: options.apiKey,
      timeout: options.timeoutMs,
      maxRetries: 0,
      fetch: boundedFetch({
        baseURL: options.baseURL,
        maxReplyBytes: options.maxReplyBytes,
        ...(options.fetch ? { fetch: options.fetch } : {}),
      }),
    });
    this.semaphore = new Semaphore(options.maxConcurrency);
  }

  /** Asks for a JSON value matching `schema`, re-asking with the errors up to `maxRepairs` times. */
  generate<S extends z.ZodType>(
    schema: S,
    messages: ChatMessage[],
    options: GenerateOptions,
  ): Promise<GenerateResult<z.output<S>>> {
    return generateWithRepairs(schema, messages, options, {
      baseURL: this.options.baseURL,
      maxRepairs: this.options.maxRepairs,
      tokenMeter: this.options.tokenMeter,
      complete: (conversation, asked) => this.complete(asked, conversation, options),
    });
  }

  /**
   * Checks `/models` answers and lists the configured model. A server that serves one model
   * under another name (llama-server names it after its file) is used with a warning. Never
   * throws.
   */
  async health(): Promise<LlmHealth> {
    const { baseURL, model, healthTimeoutMs } = this.options;
    let models: string[];
    const call = deadline(healthTimeoutMs);
    try {
      const raw: unknown = await this.openai.get('/models', {
        timeout: healthTimeoutMs,
        signal: call.signal,
      });
      const parsed = modelListSchema.safeParse(raw);
      if (!parsed.success)
        return {
          ok: false,
          models: [],
          message: `${baseURL}/models did not answer with a model list. Is VLLM_API_URL the server's /v1 URL?`,
        };
      models = parsed.data.data.map((entry) => entry.id);
      this.detectedKind = serverKindFromModels(parsed.data.data);
    } catch (error) {
      const context = {
        baseURL,
        model,
        timeoutMs: healthTimeoutMs,
        timeoutSetting: 'LLM_HEALTH_TIMEOUT_MS',
      };
      const mapped = call.timedOut()
        ? new LlmTimeoutError(baseURL, healthTimeoutMs, error, context.timeoutSetting)
        : toLlmCallError(error, context);
      // A 404 on /models means a wrong base path, not a missing model.
      const message =
        mapped instanceof LlmModelNotFoundError
          ? `${baseURL}/models answered 404. Set VLLM_API_URL to the server's /v1 URL, e.g. http://localhost:8000/v1.`
          : mapped instanceof Error
            ? mapped.message
            : String(mapped);
      return { ok: false, models: [], message };
    } finally {
      call.end();
    }
    const [only] = models;
    if (only !== undefined && models.length === 1 && only !== model) {
      this.model = only;
      return {
        ok: true,
        models,
        message: `${baseURL} serves "${only}".`,
        warning: `The LLM server at ${baseURL} serves one model, "${only}", not "${model}"; using "${only}". Set LLM_MODEL (or --model) to "${only}" to silence this.`,
      };
    }
    if (!models.includes(model))
      return {
        ok: false,
        models,
        message: `The LLM server at ${baseURL} does not serve model "${model}"; it serves ${models.map((m) => `"${m}"`).join(', ') || 'no models'}. Set LLM_MODEL to one of them.`,
      };
    return { ok: true, models, message: `${baseURL} serves "${model}".` };
  }

  /**
   * The kind of server, which decides the schema dialect: the setting, else what `/v1/models`
   * shows, read once under the health deadline (a list that cannot be read counts as generic,
   * so a server without one does not pay for the read on every call).
   */
  private async serverKind(): Promise<ServerKind> {
    const { serverKind } = this.options;
    if (serverKind !== 'auto') return serverKind;
    if (this.detectedKind === undefined) {
      this.detecting ??= this.health();
      await this.detecting;
      this.detectedKind ??= 'generic';
    }
    return this.detectedKind;
  }

  /** Sends one chat completion request, holding a concurrency slot while it is in flight. */
  private async complete(
    schema: z.ZodType,
    messages: ChatMessage[],
    options: GenerateOptions,
  ): Promise<RawReply> {
    const { baseURL, timeoutMs } = this.options;
    const model = this.model;
    const kind = await this.serverKind();
    let release: (() => void) | undefined;
    let call: ReturnType<typeof deadline> | undefined;
    try {
      release = await this.semaphore.acquire(options.signal);
      // The deadline starts once a slot is held: waiting for a slot is this process's queue.
      call = deadline(timeoutMs, options.signal);
      // The chat completions request, sent as text: its response_format (the largest part, and
      // the same on every call with this schema) is serialised once, not on every request.
      const request = JSON.stringify({
        model,
        messages,
        max_tokens: options.maxTokens ?? this.options.maxTokens,
        temperature: this.options.temperature,
      });
      const raw: unknown = await this.openai.post('/chat/completions', {
        body: `${request.slice(0, -1)},"response_format":${responseFormatJson(schema, kind, options.schemaName)}}`,
        headers: { ...this.headers(options), 'content-type': 'application/json' },
        signal: call.signal,
      });
      const completion = chatCompletionSchema.safeParse(raw);
      if (!completion.success)
        throw new LlmServerError(
          baseURL,
          200,
          `the reply is JSON but not a chat completion (${completion.error.issues[0]?.path.join('.') || '(root)'}: ${completion.error.issues[0]?.message})`,
        );
      const choice = completion.data.choices[0];
      const { usage } = completion.data;
      const reported = typeof usage === 'object' && usage !== null ? usage : {};
      return {
        content: choice?.message?.content ?? null,
        finishReason: choice?.finish_reason ?? null,
        usage: plausibleUsage({
          promptTokens: (reported as Record<string, unknown>).prompt_tokens,
          completionTokens: (reported as Record<string, unknown>).completion_tokens,
          totalTokens: (reported as Record<string, unknown>).total_tokens,
        }),
      };
    } catch (error) {
      if (error instanceof LlmCallError) throw error;
      if (call?.timedOut()) throw new LlmTimeoutError(baseURL, timeoutMs, error);
      // An abort while waiting for a slot rejects with the signal's reason, not an SDK error.
      if (options.signal?.aborted) throw new LlmAbortedError(baseURL, error);
      throw toLlmCallError(error, { baseURL, model, timeoutMs });
    } finally {
      call?.end();
      release?.();
    }
  }

  private headers(options: GenerateOptions): Record<string, string> {
    const headers: Record<string, string> = {};
    if (options.role !== undefined) headers['x-codegod-role'] = options.role;
    if (options.phase !== undefined) headers['x-codegod-phase'] = options.phase;
    if (options.runId !== undefined) headers['x-codegod-run'] = options.runId;
    return headers;
  }
}
