import { randomUUID } from 'node:crypto';
import { redisKeys } from '@codegod/protocol';
import { type RedisServer, startRedisServer } from '@codegod/testkit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisTokenMeter } from './redis-token-meter.js';

describe('RedisTokenMeter', () => {
  let server: RedisServer;
  let redis: Redis;

  beforeAll(async () => {
    server = await startRedisServer();
    redis = new Redis(server.url);
  });
  afterAll(async () => {
    redis.disconnect();
    await server.stop();
  });

  it('adds usage into codegod:metrics:llm by run, role and phase, across concurrent writers', async () => {
    const runId = `run-${randomUUID()}`;
    const meter = new RedisTokenMeter(redis);
    const other = new Redis(server.url);
    try {
      const second = new RedisTokenMeter(other);
      await Promise.all(
        Array.from({ length: 10 }, (_, index) =>
          (index % 2 ? meter : second).record(
            { promptTokens: 10, completionTokens: 3, totalTokens: 13 },
            { runId, role: index < 4 ? 'master' : 'backend', phase: 'plan' },
          ),
        ),
      );
    } finally {
      other.disconnect();
    }
    const hash = await redis.hgetall(redisKeys.metricsLlm());
    expect(hash).toMatchObject({
      calls: '10',
      prompt_tokens: '100',
      completion_tokens: '30',
      total_tokens: '130',
      [`run:${runId}:total_tokens`]: '130',
      'role:master:total_tokens': '52',
      'role:backend:prompt_tokens': '60',
      'phase:plan:total_tokens': '130',
    });
    const totals = await meter.totals();
    expect(totals.total).toEqual({ promptTokens: 100, completionTokens: 30, totalTokens: 130 });
    expect(totals.byRun[runId]).toEqual({
      promptTokens: 100,
      completionTokens: 30,
      totalTokens: 130,
    });
    expect(totals.byRole.backend).toEqual({
      promptTokens: 60,
      completionTokens: 18,
      totalTokens: 78,
    });
  });
});
