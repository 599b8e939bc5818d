import { describe, expect, it } from 'vitest';
import { jobId, queueName, redisKeys } from './redis-keys.js';

describe('redisKeys', () => {
  it('puts every key under codegod:', () => {
    expect(redisKeys.metricsTasks()).toBe('codegod:metrics:tasks');
    expect(redisKeys.agentsStatus()).toBe('codegod:agents:status');
    expect(redisKeys.memory('backend-1')).toBe('codegod:memory:backend-1');
    expect(redisKeys.checkpoint('backend-1', 'c1')).toBe('codegod:checkpoint:backend-1:c1');
    expect(redisKeys.runEvents('r1')).toBe('codegod:run:r1:events');
  });

  it('gives a task the same job id every time, distinct across runs', () => {
    expect(jobId('r1', 't1')).toBe(jobId('r1', 't1'));
    expect(jobId('r1', 't1')).not.toBe(jobId('r2', 't1'));
    expect(queueName('backend')).toBe('tasks-backend');
  });
});
