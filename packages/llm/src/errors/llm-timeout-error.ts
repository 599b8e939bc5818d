import { LlmCallError } from './llm-call-error.js';

/** The LLM server did not answer within the request timeout. Retryable. */
export class LlmTimeoutError extends LlmCallError {
  /** The per-request timeout that ran out, in milliseconds. */
  readonly timeoutMs: number;

  constructor(baseURL: string, timeoutMs: number, cause?: unknown) {
    super(
      'llm-timeout',
      `The LLM server at ${baseURL} did not answer within ${timeoutMs} ms. It may be overloaded: lower the number of agent replicas or raise timeoutMs.`,
      baseURL,
      { isRetryable: true, cause },
    );
    this.timeoutMs = timeoutMs;
  }
}
