import { CodegodError, type Result } from '@codegod/protocol';

/** True when retrying cannot help: a CodegodError that says it is not retryable. */
export function isNonRetryable(error: unknown): boolean {
  return CodegodError.is(error) && !error.isRetryable;
}

/** The message of anything thrown. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The Result recorded for a task whose handler threw for the last time. */
export function failureResult(reason: string): Result {
  return {
    success: false,
    output: reason,
    reasoning: null,
    actions_taken: [],
    validation: { valid: false, output: reason, checks: [] },
  };
}

/** Exponential backoff: `baseMs` before the 2nd attempt, doubling after that. */
export function backoffDelay(baseMs: number, failedAttempt: number): number {
  return baseMs * 2 ** Math.max(0, failedAttempt - 1);
}
