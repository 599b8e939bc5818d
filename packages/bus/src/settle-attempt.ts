import { type Result, resultSchema, type Task } from '@codegod/protocol';
import { type RunEventOf, taskRetryEvent } from './run-events.js';
import { errorMessage, failureResult, isNonRetryable } from './task-failure.js';

/** How one attempt of a task's handler ended. */
export type AttemptOutcome = { returned: unknown } | { threw: unknown };

/** What the bus does with an attempt: record a final Result, or run the task again. */
export type Settlement =
  | { kind: 'final'; result: Result }
  | { kind: 'retry'; event: RunEventOf<'task-retry'> };

/** The attempt being settled. */
export interface AttemptContext {
  runId: string;
  task: Pick<Task, 'id' | 'role'>;
  /** 1 on the first attempt. */
  attempt: number;
  /** Attempts allowed, counting the first. */
  attempts: number;
}

/**
 * Settles one attempt, the same way on every adapter. A returned Result is final, success or
 * not (the agent already spent its iterations; the master decides what next); one that is not
 * a Result is a final failure. A thrown error is retried until the attempts run out, unless it
 * says retrying cannot help. A cancelled or handed-back attempt is not settled at all: the
 * adapter checks its abort signal first.
 */
export function settleAttempt(outcome: AttemptOutcome, context: AttemptContext): Settlement {
  if ('returned' in outcome) {
    const parsed = resultSchema.safeParse(outcome.returned);
    return {
      kind: 'final',
      result: parsed.success
        ? parsed.data
        : failureResult(`the handler returned an invalid Result: ${parsed.error.message}`),
    };
  }
  const message = errorMessage(outcome.threw);
  if (isNonRetryable(outcome.threw) || context.attempt >= context.attempts) {
    const why = isNonRetryable(outcome.threw)
      ? 'failed without retry'
      : `failed after ${context.attempt} attempts`;
    return { kind: 'final', result: failureResult(`${why}: ${message}`) };
  }
  return {
    kind: 'retry',
    event: taskRetryEvent(context.runId, context.task, context.attempt + 1, message),
  };
}
