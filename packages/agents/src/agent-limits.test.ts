import { ConfigError } from '@codegod/protocol';
import { describe, expect, it } from 'vitest';
import { parseAgentLimits } from './agent-limits.js';

describe('parseAgentLimits', () => {
  it('applies the defaults and keeps given bounds', () => {
    expect(parseAgentLimits({ maxIterations: 2 })).toEqual({
      maxIterations: 2,
      maxWipes: 2,
      maxTokens: 200_000,
      maxWallMs: 1_800_000,
      repeatedFailureLimit: 3,
      alternationLength: 4,
      stallIterations: 3,
      historyLimit: 20,
    });
  });

  it('rejects a bad bound with one line naming the option', () => {
    expect(() => parseAgentLimits({ maxWipes: -1 })).toThrowError(ConfigError);
    expect(() => parseAgentLimits({ repeatedFailureLimit: 1.5 })).toThrowError(
      /^Invalid setting limits\.repeatedFailureLimit: .*\(got 1\.5\)$/,
    );
  });
});
