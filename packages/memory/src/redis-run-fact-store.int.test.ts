import { randomUUID } from 'node:crypto';
import { type RunFact, redisKeys } from '@codegod/protocol';
import { type RedisServer, startRedisServer } from '@codegod/testkit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisRunFactStore } from './redis-run-fact-store.js';
import { runFactStoreConformance } from './testing/index.js';

let server: RedisServer;
beforeAll(async () => {
  server = await startRedisServer();
});
afterAll(async () => {
  await server.stop();
});

runFactStoreConformance('RedisRunFactStore', async () => {
  const redis = new Redis(server.url);
  return { store: new RedisRunFactStore(redis), close: async () => redis.disconnect() };
});

describe('RedisRunFactStore with facts recorded by name alone (before facts were kept per role)', () => {
  it('counts such a fact once, under its role, and records a change of it under role/name', async () => {
    const redis = new Redis(server.url);
    try {
      const store = new RedisRunFactStore(redis);
      const runId = `run-${randomUUID()}`;
      const venv: RunFact = {
        name: 'venv_path',
        value: 'venv',
        found_by: 'backend-1',
        role: 'backend',
        task_id: 'make-venv',
        found_at: 1,
      };
      await redis.hset(redisKeys.runFacts(runId), 'venv_path', JSON.stringify(venv));
      expect(await store.record(runId, [{ ...venv, found_by: 'backend-2', found_at: 2 }])).toEqual([
        venv,
      ]);
      const moved = { ...venv, value: '.venv', found_at: 3 };
      expect(await store.record(runId, [moved])).toEqual([moved]);
      expect(await redis.hget(redisKeys.runFacts(runId), 'backend/venv_path')).toBe(
        JSON.stringify(moved),
      );
      expect(await store.list(runId)).toEqual([moved]);
    } finally {
      redis.disconnect();
    }
  });
});
