import { randomUUID } from 'node:crypto';
import { type RedisServer, startRedisServer } from '@codegod/testkit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryRedisKeys } from './memory-redis-keys.js';
import { createRedisMemoryStore } from './redis-memory-store.js';
import { memoryStoreConformance, richAgentMemory } from './testing/index.js';

let server: RedisServer;
beforeAll(async () => {
  server = await startRedisServer();
});
afterAll(async () => {
  await server.stop();
});

memoryStoreConformance('RedisMemoryStore', async () => {
  const store = createRedisMemoryStore({ redis: server.url });
  return { store, close: () => store.close() };
});

describe('RedisMemoryStore layout', () => {
  it('keeps one JSON-encoded hash field per AgentMemory field, and TTLs on checkpoints', async () => {
    const agentId = `layout-${randomUUID()}`;
    const redis = new Redis(server.url);
    const store = createRedisMemoryStore({ redis, checkpointTtlSeconds: 120 });
    const memory = richAgentMemory();
    await store.save(agentId, memory);
    const hash = await redis.hgetall(`codegod:memory:${agentId}`);
    expect(Object.keys(hash).sort()).toEqual(Object.keys(memory).sort());
    expect(JSON.parse(hash.knowledge!)).toEqual(memory.knowledge);
    const id = await store.checkpoint(agentId);
    const ttl = await redis.pttl(`codegod:checkpoint:${agentId}:${id}`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(120_000);
    await store.close();
    expect(redis.status).toBe('ready');
    await redis.del(memoryRedisKeys.memory(agentId));
    redis.disconnect();
  });

  it('reports corrupt data clearly instead of casting it', async () => {
    const agentId = `corrupt-${randomUUID()}`;
    const redis = new Redis(server.url);
    const store = createRedisMemoryStore({ redis });
    await store.save(agentId, richAgentMemory());
    await redis.hset(`codegod:memory:${agentId}`, 'completed_tasks', '{"not":"a list"}');
    await expect(store.load(agentId)).rejects.toMatchObject({ code: 'memory-corrupt' });
    await redis.hset(`codegod:memory:${agentId}`, 'completed_tasks', 'not json');
    await expect(store.load(agentId)).rejects.toThrow(
      new RegExp(`codegod:memory:${agentId} completed_tasks`),
    );
    await redis.del(`codegod:memory:${agentId}`);
    redis.disconnect();
  });

  it('rejects a bad URL at construction, naming the option and variable', () => {
    expect(() => createRedisMemoryStore({ redis: 'http://localhost' })).toThrow(/REDIS_URL/);
  });
});
