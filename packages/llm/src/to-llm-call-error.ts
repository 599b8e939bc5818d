import { oneLine } from '@codegod/protocol';
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  NotFoundError,
} from 'openai';
import { RejectedReply } from './bounded-fetch.js';
import { LlmAbortedError } from './errors/llm-aborted-error.js';
import { LlmCallError } from './errors/llm-call-error.js';
import { LlmModelNotFoundError } from './errors/llm-model-not-found-error.js';
import { LlmRequestRejectedError } from './errors/llm-request-rejected-error.js';
import { LlmServerError } from './errors/llm-server-error.js';
import { LlmTimeoutError } from './errors/llm-timeout-error.js';
import { LlmUnavailableError } from './errors/llm-unavailable-error.js';

/** What the mapping needs to write a useful message. */
export interface LlmCallContext {
  baseURL: string;
  model: string;
  timeoutMs: number;
  /** The environment variable behind `timeoutMs`. Default: `LLM_TIMEOUT_MS`. */
  timeoutSetting?: string;
}

/**
 * Turns an `openai` package error into the matching LlmCallError, so no vendor error type
 * leaks past the adapter. Errors that are not the vendor's (bugs) pass through unchanged.
 */
export function toLlmCallError(error: unknown, context: LlmCallContext): unknown {
  const { baseURL, model, timeoutMs } = context;
  if (error instanceof LlmCallError) return error;
  // boundedFetch refused the reply; the SDK wrapped that in a connection error.
  if (error instanceof APIConnectionError && error.cause instanceof RejectedReply)
    return error.cause.error;
  // Order matters: the timeout and abort classes extend the connection and API error classes.
  if (error instanceof APIConnectionTimeoutError)
    return new LlmTimeoutError(baseURL, timeoutMs, error, context.timeoutSetting);
  if (error instanceof APIUserAbortError) return new LlmAbortedError(baseURL, error);
  if (error instanceof APIConnectionError) return new LlmUnavailableError(baseURL, error);
  if (!(error instanceof APIError)) return error;
  // The SDK's message quotes the server's error body, which may be a whole HTML page.
  const detail = oneLine(error.message, 200);
  if (error instanceof NotFoundError)
    return new LlmModelNotFoundError(baseURL, model, detail, error);
  if (typeof error.status === 'number') {
    if (error.status >= 500 || error.status === 429 || error.status === 408)
      return new LlmServerError(baseURL, error.status, detail, error);
    return new LlmRequestRejectedError(baseURL, error.status, detail, error);
  }
  return error;
}
