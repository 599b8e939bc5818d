import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  NotFoundError,
} from 'openai';
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
}

/**
 * Turns an `openai` package error into the matching LlmCallError, so no vendor error type
 * leaks past the adapter. Errors that are not the vendor's (bugs) pass through unchanged.
 */
export function toLlmCallError(error: unknown, context: LlmCallContext): unknown {
  const { baseURL, model, timeoutMs } = context;
  if (error instanceof LlmCallError) return error;
  // Order matters: the timeout and abort classes extend the connection and API error classes.
  if (error instanceof APIConnectionTimeoutError)
    return new LlmTimeoutError(baseURL, timeoutMs, error);
  if (error instanceof APIUserAbortError) return new LlmAbortedError(baseURL, error);
  if (error instanceof APIConnectionError) return new LlmUnavailableError(baseURL, error);
  if (error instanceof NotFoundError)
    return new LlmModelNotFoundError(baseURL, model, error.message, error);
  if (error instanceof APIError && typeof error.status === 'number') {
    if (error.status >= 500 || error.status === 429 || error.status === 408)
      return new LlmServerError(baseURL, error.status, error.message, error);
    return new LlmRequestRejectedError(baseURL, error.status, error.message, error);
  }
  return error;
}
