import { LlmCallError } from './llm-call-error.js';

// Neutral on purpose: who retries (the task bus, the master) says so itself, with its count.
const RETRY_ADVICE = "Check the LLM server's logs.";

/**
 * The LLM server answered HTTP 5xx or 429 (overloaded, crashed mid-request), or answered with
 * something that is not an OpenAI-compatible reply (an HTML page, plain text, a broken body).
 * Retryable.
 */
export class LlmServerError extends LlmCallError {
  /** The HTTP status the server answered (200 for a malformed success). */
  readonly status: number;

  /** `detail` says what came back; `advice` what to do (default: check the server's logs). */
  constructor(
    baseURL: string,
    status: number,
    detail: string,
    cause?: unknown,
    advice: string = RETRY_ADVICE,
  ) {
    // The SDK's messages start with the status ("500 boom"); say it once.
    const said = detail.replace(new RegExp(`^${status}\\b\\s*`), '') || 'no detail';
    super(
      'llm-server-error',
      `The LLM server at ${baseURL} answered HTTP ${status}: ${said}. ${advice}`,
      baseURL,
      { isRetryable: true, cause },
    );
    this.status = status;
  }
}
