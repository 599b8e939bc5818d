import type { Role, TokenUsage } from '@codegod/protocol';
import type { z } from 'zod';

/** One chat message. Stable content (system prompt, catalogue) goes first for prefix caching. */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** Per-call settings of `LlmClient.generate`. */
export interface GenerateOptions {
  /** Name of the JSON schema sent to the server (`json_schema.name`), e.g. `reasoning`. */
  schemaName: string;
  /** Run the call belongs to, for token accounting. */
  runId?: string;
  /** Role making the call, for token accounting and the scripted server's rules. */
  role?: Role;
  /** Loop phase or master step making the call (`reason`, `plan`, `decompose`, …). */
  phase?: string;
  /** Cancels the call. */
  signal?: AbortSignal;
  /** Upper bound on completion tokens. Default: the client's `maxTokens`. */
  maxTokens?: number;
}

/** What `generate` returns: the schema-checked value and what it cost. */
export interface GenerateResult<T> {
  value: T;
  usage: TokenUsage;
  /** 1 when the first reply was valid; more when the client re-asked with errors. */
  attempts: number;
  /**
   * The token meter's write of this call, still in flight when the value is returned, so the
   * caller's next step need not wait for a metrics round trip. Never rejects (accounting is
   * best effort); absent when nothing was metered. A caller that reports the run's tokens
   * next (a Result, a report) waits for it first.
   */
  metered?: Promise<void>;
}

/** What `health()` found. */
export interface LlmHealth {
  ok: boolean;
  /** Models the server lists at /v1/models (empty when down). */
  models: string[];
  /** Human-readable status or the reason it is not ok, with what to do. */
  message: string;
  /** Set when the server is usable but not as configured (e.g. it serves another model name). */
  warning?: string;
}

/**
 * The LLM port: structured generation from a zod schema. Agents and the orchestrator see only
 * this; the `openai` package stays behind the adapter.
 */
export interface LlmClient {
  /** Asks for a JSON value matching `schema`; throws LlmCallError subclasses on failure. */
  generate<S extends z.ZodType>(
    schema: S,
    messages: ChatMessage[],
    options: GenerateOptions,
  ): Promise<GenerateResult<z.output<S>>>;
  /** Checks that the server answers and serves the configured model. Never throws. */
  health(): Promise<LlmHealth>;
}
