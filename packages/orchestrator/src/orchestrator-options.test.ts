import { ConfigError } from '@codegod/protocol';
import { describe, expect, it } from 'vitest';
import { limitsFromEnvironment, resolveLimits } from './orchestrator-options.js';

describe('limitsFromEnvironment', () => {
  it('reads the limits set in the environment and leaves the rest to the defaults', () => {
    const limits = limitsFromEnvironment({ CODEGOD_MAX_TASKS: '500', CODEGOD_MAX_STALLS: '0' });
    expect(limits).toEqual({ maxTasks: 500, maxStalls: 0 });
    expect(resolveLimits(limits)).toMatchObject({
      maxTasks: 500,
      maxStalls: 0,
      maxReplanRounds: 3,
    });
  });

  it.each([
    ['CODEGOD_MAX_TASKS', 'many'],
    ['CODEGOD_MAX_TASKS', '0'],
    ['CODEGOD_MAX_TASKS', '1.5'],
    ['CODEGOD_MAX_REPLAN_ROUNDS', '99'],
  ])('rejects %s=%s naming the variable', (name, value) => {
    const read = () => limitsFromEnvironment({ [name]: value });
    expect(read).toThrow(ConfigError);
    expect(read).toThrow(name);
  });
});
