import { LlmCallError } from './llm-call-error.js';

/**
 * The LLM server could not be reached (connection refused, DNS, reset), or what answered on its
 * port is not one; `message` then says which. Retryable.
 */
export class LlmUnavailableError extends LlmCallError {
  constructor(baseURL: string, cause?: unknown, message?: string) {
    super(
      'llm-unavailable',
      message ??
        `Could not reach the LLM server at ${baseURL}. Is vLLM running there? Set VLLM_API_URL to its /v1 URL.`,
      baseURL,
      { isRetryable: true, cause },
    );
  }
}
