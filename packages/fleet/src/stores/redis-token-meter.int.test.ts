import { randomUUID } from 'node:crypto';
import { tokenMeterConformance } from '@codegod/llm/testing';
import { redisKeys } from '@codegod/protocol';
import { type RedisServer, startRedisServer } from '@codegod/testkit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisTokenMeter } from './redis-token-meter.js';

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

tokenMeterConformance('RedisTokenMeter', async () => ({
  meter: new RedisTokenMeter(redis),
  close: async () => {},
}));

describe('RedisTokenMeter', () => {
  it('adds usage by role and phase into codegod:metrics:llm and by run, across concurrent writers', async () => {
    // The hash is the fleet's one set of counters: start it afresh (the conformance suite wrote to it).
    await redis.del(redisKeys.metricsLlm());
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
      'role:master:total_tokens': '52',
      'role:backend:prompt_tokens': '60',
      'phase:plan:total_tokens': '130',
    });
    // The run's total is written once, in its own hash, not again under `run:` in the metrics.
    expect(Object.keys(hash).filter((field) => field.includes(runId))).toEqual([]);
    expect(await meter.usage(runId)).toEqual({ total: 130, by_role: { master: 52, backend: 78 } });
    expect(await meter.usage(`run-${randomUUID()}`)).toEqual({ total: 0, by_role: {} });
  });

  it('writes one LLM call in one round trip to Redis', async () => {
    const client = new Redis(server.url);
    try {
      await client.ping();
      const meter = new RedisTokenMeter(client);
      // Every request ioredis sends goes out through one write on the socket.
      const writes: string[] = [];
      const write = client.stream.write.bind(client.stream);
      client.stream.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
        writes.push(String(chunk));
        return write(chunk, ...rest);
      }) as typeof client.stream.write;
      await meter.record(
        { promptTokens: 7, completionTokens: 2, totalTokens: 9 },
        { runId: `run-${randomUUID()}`, role: 'backend', phase: 'plan' },
      );
      expect(writes).toHaveLength(1);
      // The one write is one command, an EVAL over the counters of the fleet and of the run.
      expect(writes[0]).toMatch(/^\*\d+\r\n\$4\r\neval\r\n[\s\S]*metrics:llm[\s\S]*:tokens/i);
      expect(writes[0]).not.toMatch(/multi|exec/i);
      // The next call sends only the script's SHA, not the script again.
      await meter.record(
        { promptTokens: 1, completionTokens: 1, totalTokens: 2 },
        { runId: `run-${randomUUID()}`, role: 'backend', phase: 'plan' },
      );
      expect(writes).toHaveLength(2);
      expect(writes[1]).toMatch(/^\*\d+\r\n\$7\r\nevalsha\r\n/i);
      expect(writes[1]).not.toContain('HINCRBY');
    } finally {
      client.disconnect();
    }
  });
});
