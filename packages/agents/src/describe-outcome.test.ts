import { describe, expect, it } from 'vitest';
import { describeOutcome } from './describe-outcome.js';

const failure = (message: string, output: string) => ({
  success: false,
  output,
  error: { code: 'venv-missing', message, isRetryable: false },
});

describe('describeOutcome', () => {
  it('says a failure once when its output is its message', () => {
    const message = 'venv/bin/pip does not exist; run create_venv first';
    expect(describeOutcome(failure(message, message)).output).toBe(`venv-missing: ${message}`);
  });

  it("adds the output when it says more (a command's stderr)", () => {
    expect(describeOutcome(failure('pip failed', 'ERROR: no such package')).output).toBe(
      'venv-missing: pip failed\nERROR: no such package',
    );
  });

  it('passes successes through', () => {
    expect(describeOutcome({ success: true, output: 'ok' })).toEqual({
      success: true,
      output: 'ok',
    });
  });
});
