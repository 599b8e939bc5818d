import { CodegodError, type CodegodErrorOptions, type ErrorCode } from '@codegod/protocol';

/**
 * The base of every error an LLM call raises. `isRetryable` tells the task bus, which owns
 * retries, whether running the task again may help; the client itself never retries.
 */
export class LlmCallError extends CodegodError {
  /** The server base URL the call went to. */
  readonly baseURL: string;

  constructor(
    code: ErrorCode,
    message: string,
    baseURL: string,
    options: CodegodErrorOptions = {},
  ) {
    super(code, message, options);
    this.baseURL = baseURL;
  }
}
