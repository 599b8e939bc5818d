import { startRedisServer } from '@codegod/testkit';
import { describe, expect, it } from 'vitest';
import { createRedisTaskBus } from './redis-task-bus.js';
import { taskBusConformance } from './testing/index.js';

taskBusConformance('redis (BullMQ)', async () => {
  const server = await startRedisServer();
  const bus = await createRedisTaskBus({
    redisUrl: server.url,
    scheduler: true,
    attempts: 3,
    backoffMs: 20,
    env: {},
  });
  return {
    bus,
    recordResult: (runId, taskId, result, agentId) =>
      bus.recordResult(runId, taskId, result, agentId),
    cleanup: async () => {
      await bus.close();
      await server.stop();
    },
  };
});

describe('createRedisTaskBus', () => {
  it('rejects bad settings naming the option and the environment variable', async () => {
    await expect(createRedisTaskBus({ env: {} })).rejects.toThrow(/redisUrl.*REDIS_URL/);
    await expect(
      createRedisTaskBus({ env: { REDIS_URL: 'redis://x', CODEGOD_LOCK_DURATION_MS: '5' } }),
    ).rejects.toThrow(/lockDurationMs.*CODEGOD_LOCK_DURATION_MS/);
  });
});
