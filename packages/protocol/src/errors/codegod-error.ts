import type { ErrorCode } from './error-code.js';

/** Settings shared by every codegod error. */
export interface CodegodErrorOptions {
  /** Whether trying the same thing again may succeed. Default: false. */
  isRetryable?: boolean;
  /** The underlying error, if any. */
  cause?: unknown;
}

/**
 * The base of every error codegod raises on purpose. `code` is stable and machine-readable;
 * the message says what happened and what to do next.
 */
export class CodegodError extends Error {
  /** A stable identifier, e.g. `config-invalid` or `llm-timeout`. */
  readonly code: ErrorCode;
  /** Whether trying the same thing again may succeed. */
  readonly isRetryable: boolean;

  constructor(code: ErrorCode, message: string, options: CodegodErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.isRetryable = options.isRetryable ?? false;
  }

  /** True when `error` is a CodegodError (also across duplicated module copies). */
  static is(error: unknown): error is CodegodError {
    return (
      error instanceof CodegodError ||
      (error instanceof Error &&
        typeof (error as { code?: unknown }).code === 'string' &&
        typeof (error as { isRetryable?: unknown }).isRetryable === 'boolean')
    );
  }
}
