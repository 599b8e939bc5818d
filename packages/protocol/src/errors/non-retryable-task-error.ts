import { CodegodError, type CodegodErrorOptions } from './codegod-error.js';

/** A task failed in a way that running it again will not fix; the bus must not retry it. */
export class NonRetryableTaskError extends CodegodError {
  constructor(message: string, options: Omit<CodegodErrorOptions, 'isRetryable'> = {}) {
    super('task-non-retryable', message, { ...options, isRetryable: false });
  }
}
