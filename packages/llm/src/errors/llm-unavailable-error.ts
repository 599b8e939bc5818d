import { LlmCallError } from './llm-call-error.js';

/** The LLM server could not be reached (connection refused, DNS, reset). Retryable. */
export class LlmUnavailableError extends LlmCallError {
  constructor(baseURL: string, cause?: unknown) {
    super(
      'llm-unavailable',
      `Could not reach the LLM server at ${baseURL}. Is vLLM running there? Set VLLM_API_URL to its /v1 URL.`,
      baseURL,
      { isRetryable: true, cause },
    );
  }
}
