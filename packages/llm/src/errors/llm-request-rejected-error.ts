import { LlmCallError } from './llm-call-error.js';

/** The LLM server rejected the request (HTTP 4xx: bad key, prompt too long). Not retryable. */
export class LlmRequestRejectedError extends LlmCallError {
  /** The HTTP status the server answered. */
  readonly status: number;

  constructor(baseURL: string, status: number, detail: string, cause?: unknown) {
    super(
      'llm-request-rejected',
      `The LLM server at ${baseURL} rejected the request with HTTP ${status}: ${detail}. Check LLM_API_KEY and the prompt size against the model's context length.`,
      baseURL,
      { isRetryable: false, cause },
    );
    this.status = status;
  }
}
