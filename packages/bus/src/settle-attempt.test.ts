import { NonRetryableTaskError } from '@codegod/protocol';
import { describe, expect, it } from 'vitest';
import { settleAttempt } from './settle-attempt.js';
import { okResult } from './testing/index.js';

const context = { runId: 'run-1', task: { id: 'a', role: 'backend' as const }, attempts: 3 };

describe('settleAttempt', () => {
  it('records a returned Result as final, a failed one too', () => {
    const failed = { ...okResult('no'), success: false };
    expect(settleAttempt({ returned: okResult('yes') }, { ...context, attempt: 1 })).toEqual({
      kind: 'final',
      result: okResult('yes'),
    });
    expect(settleAttempt({ returned: failed }, { ...context, attempt: 1 })).toMatchObject({
      kind: 'final',
      result: { success: false, output: 'no' },
    });
  });

  it('fails at once, without a retry, a handler that returned something other than a Result', () => {
    const settled = settleAttempt({ returned: { ok: true } }, { ...context, attempt: 1 });
    expect(settled).toMatchObject({
      kind: 'final',
      result: { success: false, output: expect.stringMatching(/invalid Result/) },
    });
  });

  it('retries a thrown error with a task-retry event naming the next attempt', () => {
    const settled = settleAttempt({ threw: new Error('flaky') }, { ...context, attempt: 2 });
    expect(settled).toMatchObject({
      kind: 'retry',
      event: { type: 'task-retry', run_id: 'run-1', task_id: 'a', attempt: 3, reason: 'flaky' },
    });
  });

  it('gives up after the last attempt, and at once on a non-retryable error', () => {
    expect(settleAttempt({ threw: new Error('flaky') }, { ...context, attempt: 3 })).toMatchObject({
      kind: 'final',
      result: { success: false, output: 'failed after 3 attempts: flaky' },
    });
    const fatal = new NonRetryableTaskError('bad input');
    expect(settleAttempt({ threw: fatal }, { ...context, attempt: 1 })).toMatchObject({
      kind: 'final',
      result: { success: false, output: 'failed without retry: bad input' },
    });
  });
});
