import { type RedisServer, startRedisServer } from '@codegod/testkit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
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
