import { LlmCallError } from './llm-call-error.js';

/** The caller cancelled the call through its AbortSignal (e.g. worker shutdown). Retryable. */
export class LlmAbortedError extends LlmCallError {
  constructor(baseURL: string, cause?: unknown) {
    // Retryable: the work was not done, and another worker may run it after a shutdown.
    super('llm-aborted', `The LLM call to ${baseURL} was cancelled by the caller.`, baseURL, {
      isRetryable: true,
      cause,
    });
  }
}
