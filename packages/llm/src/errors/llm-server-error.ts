import { LlmCallError } from './llm-call-error.js';

/** The LLM server answered HTTP 5xx or 429 (overloaded, crashed mid-request). Retryable. */
export class LlmServerError extends LlmCallError {
  /** The HTTP status the server answered. */
  readonly status: number;

  constructor(baseURL: string, status: number, detail: string, cause?: unknown) {
    super(
      'llm-server-error',
      `The LLM server at ${baseURL} answered HTTP ${status}: ${detail}. Check the vLLM logs; the task bus will retry.`,
      baseURL,
      { isRetryable: true, cause },
    );
    this.status = status;
  }
}
