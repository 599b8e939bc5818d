import type { TokenMeter } from '@codegod/protocol';
import { ConfigError } from '@codegod/protocol';
import { z } from 'zod';
import { LlmAbortedError } from '../errors/llm-aborted-error.js';
import { LlmReplyTooLargeError } from '../errors/llm-reply-too-large-error.js';
import { LlmServerError } from '../errors/llm-server-error.js';
import { LlmTimeoutError } from '../errors/llm-timeout-error.js';
import { generateWithRepairs, type RawReply } from '../generate-with-repairs.js';
import type {
  ChatMessage,
  GenerateOptions,
  GenerateResult,
  LlmClient,
  LlmHealth,
} from '../llm-client.js';
import { dialectJsonSchema } from '../schema-dialect.js';
import { Semaphore } from '../semaphore.js';
import { SERVER_KINDS, type ServerKind } from '../server-kind.js';
import type { JsonSchema } from '../strict-json-schema.js';
import type { RecordedRequest, ScriptedRule } from './scripted-rule.js';
import { ScriptedRuleBook, scriptedOutcome } from './scripted-rule-book.js';

/** Settings of ScriptedLlmClient. */
export interface ScriptedLlmClientOptions {
  /** Rules tried in order. Default: none (every request gets a minimal schema-valid reply). */
  rules?: ScriptedRule[];
  /** Model ids `health()` lists. Default: `['scripted-model']`. */
  models?: string[];
  /** The model the client asks for; `health()` is ok only when `models` lists it. Default: the first of `models`. */
  model?: string;
  /** Per-request timeout in ms: a `hang`, or a `latencyMs` this long or longer, ends in LlmTimeoutError. Default: 1000. */
  timeoutMs?: number;
  /** How many times an invalid or cut-off reply is re-asked with its errors. Default: 2. */
  maxRepairs?: number;
  /** Most requests in flight at once; the rest wait. Default: 8. */
  maxConcurrency?: number;
  /** Where spent tokens are recorded. Default: none. */
  tokenMeter?: TokenMeter;
  /** The server kind whose schema dialect is recorded as sent. Default: `generic`. */
  serverKind?: ServerKind;
}

/** Stands in for the server URL in errors and health messages. */
const BASE_URL = 'scripted://in-process/v1';

const optionsSchema = z.object({
  models: z.array(z.string().min(1)).min(1).default(['scripted-model']),
  model: z.string().min(1).optional(),
  timeoutMs: z.number().int().min(1).default(1000),
  maxRepairs: z.number().int().min(0).max(10).default(2),
  maxConcurrency: z.number().int().min(1).default(8),
  serverKind: z.enum(SERVER_KINDS).default('generic'),
});

/**
 * The in-process LlmClient: answers from the same ScriptedRule[] as the scripted server, with
 * the adapter's repair loop and typed errors, and records each request as the server would.
 * For tests that exercise callers of the port without HTTP.
 */
export class ScriptedLlmClient implements LlmClient {
  /** Every request since construction or resetStats(), in the order they were sent. */
  readonly requests: RecordedRequest[] = [];
  private readonly ruleBook: ScriptedRuleBook;
  private readonly settings: z.output<typeof optionsSchema> & { model: string };
  private readonly semaphore: Semaphore;
  private readonly tokenMeter: TokenMeter | undefined;
  private inFlight = 0;
  private peak = 0;

  constructor(options: ScriptedLlmClientOptions = {}) {
    const parsed = optionsSchema.safeParse(options);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new ConfigError(String(issue.path[0] ?? 'options'), undefined, issue.message);
    }
    this.settings = { ...parsed.data, model: parsed.data.model ?? parsed.data.models[0]! };
    this.ruleBook = new ScriptedRuleBook(options.rules);
    this.semaphore = new Semaphore(this.settings.maxConcurrency);
    this.tokenMeter = options.tokenMeter;
  }

  /** Highest number of requests in flight at once since construction / resetStats(). */
  get peakInFlight(): number {
    return this.peak;
  }

  /** Replaces the rules (and their `times` counters). */
  setRules(rules: ScriptedRule[]): void {
    this.ruleBook.setRules(rules);
  }

  /** Empties `requests` (in place) and restarts `peakInFlight` from the current load. */
  resetStats(): void {
    this.requests.length = 0;
    this.peak = this.inFlight;
  }

  /** Answers from the rules, re-asking an invalid reply up to `maxRepairs` times. */
  generate<S extends z.ZodType>(
    schema: S,
    messages: ChatMessage[],
    options: GenerateOptions,
  ): Promise<GenerateResult<z.output<S>>> {
    return generateWithRepairs(schema, messages, options, {
      baseURL: BASE_URL,
      maxRepairs: this.settings.maxRepairs,
      tokenMeter: this.tokenMeter,
      complete: (conversation, asked) =>
        this.complete(dialectJsonSchema(asked, this.settings.serverKind), conversation, options),
    });
  }

  /**
   * Lists `models`; ok when it includes `model`, or (with a warning, then asking for it) when it
   * serves one model under another name, as the real adapter does.
   */
  async health(): Promise<LlmHealth> {
    const { model, models } = this.settings;
    const [only] = models;
    if (only !== undefined && models.length === 1 && only !== model) {
      this.settings.model = only;
      return {
        ok: true,
        models: [...models],
        message: `${BASE_URL} serves "${only}".`,
        warning: `The scripted LLM client serves one model, "${only}", not "${model}"; using "${only}".`,
      };
    }
    if (!models.includes(model))
      return {
        ok: false,
        models: [...models],
        message: `The scripted LLM client does not serve model "${model}"; it serves ${models.map((m) => `"${m}"`).join(', ')}.`,
      };
    return { ok: true, models: [...models], message: `${BASE_URL} serves "${model}".` };
  }

  /** One request: holds a concurrency slot, records it, then plays its rule. */
  private async complete(
    jsonSchema: JsonSchema,
    conversation: ChatMessage[],
    options: GenerateOptions,
  ): Promise<RawReply> {
    let release: () => void;
    try {
      release = await this.semaphore.acquire(options.signal);
    } catch (error) {
      throw new LlmAbortedError(BASE_URL, error);
    }
    this.inFlight++;
    this.peak = Math.max(this.peak, this.inFlight);
    try {
      const recorded = this.record(jsonSchema, conversation, options);
      const rule = this.ruleBook.pick(recorded);
      const { timeoutMs } = this.settings;
      const latencyMs = rule?.latencyMs ?? 0;
      if (latencyMs >= timeoutMs) return await this.timeOut(timeoutMs, options.signal);
      if (latencyMs > 0) await delay(latencyMs, options.signal);
      const outcome = scriptedOutcome(rule, recorded, jsonSchema);
      if (outcome.kind === 'hang') return await this.timeOut(timeoutMs - latencyMs, options.signal);
      if (outcome.kind === 'http-error')
        throw new LlmServerError(BASE_URL, outcome.status, outcome.message);
      if (outcome.kind === 'transport-fault') {
        // What the adapter raises when the HTTP server plays the same fault.
        if (outcome.fault === 'trickle')
          return await this.timeOut(timeoutMs - latencyMs, options.signal);
        if (outcome.fault === 'huge-reply')
          // 4 MiB: the adapter's default LLM_MAX_REPLY_BYTES.
          throw new LlmReplyTooLargeError(
            `${BASE_URL}/chat/completions`,
            BASE_URL,
            4 * 1024 * 1024,
          );
        throw new LlmServerError(BASE_URL, 200, `scripted transport fault: ${outcome.fault}`);
      }
      return { content: outcome.content, finishReason: outcome.finishReason, usage: outcome.usage };
    } finally {
      this.inFlight--;
      release();
    }
  }

  /** What the scripted server would have recorded for the adapter's request. */
  private record(
    jsonSchema: JsonSchema,
    conversation: ChatMessage[],
    options: GenerateOptions,
  ): RecordedRequest {
    const messages = conversation.map(({ role, content }) => ({ role, content }));
    const recorded: RecordedRequest = {
      role: options.role,
      phase: options.phase,
      runId: options.runId,
      schemaName: options.schemaName,
      messages,
      body: {
        model: this.settings.model,
        messages,
        ...(options.maxTokens === undefined ? {} : { max_tokens: options.maxTokens }),
        response_format: {
          type: 'json_schema',
          json_schema: { name: options.schemaName, schema: jsonSchema, strict: true },
        },
      },
    };
    this.requests.push(recorded);
    return recorded;
  }

  /** Waits out the rest of the timeout, then fails as the adapter does when nothing answers. */
  private async timeOut(remainingMs: number, signal: AbortSignal | undefined): Promise<never> {
    await delay(remainingMs, signal);
    throw new LlmTimeoutError(BASE_URL, this.settings.timeoutMs);
  }
}

/** Resolves after `ms`; rejects with LlmAbortedError as soon as `signal` aborts. */
function delay(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new LlmAbortedError(BASE_URL, signal.reason));
    const onAbort = () => {
      clearTimeout(timer);
      reject(new LlmAbortedError(BASE_URL, signal?.reason));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
