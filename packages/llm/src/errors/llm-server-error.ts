import { LlmCallError } from './llm-call-error.js';

const RETRY_ADVICE = 'Check the vLLM logs; the task bus will retry.';

/**
 * The LLM server answered HTTP 5xx or 429 (overloaded, crashed mid-request), or answered with
 * something that is not an OpenAI-compatible reply (an HTML page, plain text, a broken body).
 * Retryable.
 */
export class LlmServerError extends LlmCallError {
  /** The HTTP status the server answered (200 for a malformed success). */
  readonly status: number;

  /** `detail` says what came back; `advice` what to do (default: check the logs, it is retried). */
  constructor(
    baseURL: string,
    status: number,
    detail: string,
    cause?: unknown,
    advice: string = RETRY_ADVICE,
  ) {
    super(
      'llm-server-error',
      `The LLM server at ${baseURL} answered HTTP ${status}: ${detail}. ${advice}`,
      baseURL,
      { isRetryable: true, cause },
    );
    this.status = status;
  }
}
