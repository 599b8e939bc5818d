import type { TokenUsage } from '@codegod/protocol';
import type { ChatMessage } from '../llm-client.js';
import type { JsonSchema } from '../strict-json-schema.js';

/** One completion asked of a local engine. */
export interface LocalEngineRequest {
  messages: ChatMessage[];
  /** The schema the reply must follow (strict shape); the engine turns it into a grammar. */
  jsonSchema: JsonSchema;
  maxTokens: number;
  temperature: number;
  /** Ends the generation: the client's deadline or the caller's cancel. */
  signal: AbortSignal;
  /** Called once, when the first token of the reply is out (benches time it). */
  onFirstToken?: () => void;
  /** Labels of the call, for test engines that answer by rule. */
  schemaName: string;
  role?: string;
  phase?: string;
  runId?: string;
}

/** What a local engine generated. */
export interface LocalEngineReply {
  content: string;
  /** `length` when the generation stopped at `maxTokens`. */
  finishReason: 'stop' | 'length';
  usage: TokenUsage;
}

/** A loaded model, as `health()` reports it. */
export interface LocalEngineInfo {
  /** The model names it answers to (the file's name without `.gguf`). */
  models: string[];
  /** One line for the user, e.g. the file and its size. */
  detail: string;
}

/**
 * The port EmbeddedLlmClient drives: a model in this process. NodeLlamaCppEngine is the real
 * one; ScriptedLocalEngine (`@codegod/llm/testing`) answers by rule.
 */
export interface LocalEngine {
  /** Where the model lives, named in errors (`local:/path/model.gguf`). */
  readonly location: string;
  /** Loads the model once (later calls share it); throws LlmCallError subclasses. */
  load(): Promise<LocalEngineInfo>;
  /** Generates one reply under the schema's grammar; rejects when `signal` aborts. */
  complete(request: LocalEngineRequest): Promise<LocalEngineReply>;
  /** Frees the model and its contexts. */
  close(): Promise<void>;
}
