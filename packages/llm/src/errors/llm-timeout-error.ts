import { LlmCallError } from './llm-call-error.js';

/**
 * The LLM server did not finish its reply within the request's deadline: no answer, or a body
 * still arriving when the time ran out. Retryable.
 */
export class LlmTimeoutError extends LlmCallError {
  /** The deadline that ran out, in milliseconds. */
  readonly timeoutMs: number;

  /** `setting` is the environment variable that sets the deadline. */
  constructor(baseURL: string, timeoutMs: number, cause?: unknown, setting = 'LLM_TIMEOUT_MS') {
    super(
      'llm-timeout',
      `The LLM server at ${baseURL} did not answer within ${timeoutMs} ms. It may be overloaded: lower the number of agent replicas or raise ${setting}.`,
      baseURL,
      { isRetryable: true, cause },
    );
    this.timeoutMs = timeoutMs;
  }
}
