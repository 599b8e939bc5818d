import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { startRedisServer } from './redis-server.js';

describe('startRedisServer', () => {
  const servers: { stop: () => Promise<void> }[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
  });

  it('starts a private server that is not the shared one', async () => {
    const server = await startRedisServer();
    servers.push(server);
    expect(server.port).not.toBe(6379);
    const redis = new Redis(server.url);
    await redis.set('k', 'v');
    expect(await redis.get('k')).toBe('v');
    expect(await redis.dbsize()).toBe(1);
    redis.disconnect();
  });

  it('keeps data across a SIGKILL restart when AOF is on', async () => {
    const server = await startRedisServer({ aof: true });
    servers.push(server);
    const redis = new Redis(server.url, { maxRetriesPerRequest: null });
    await redis.hset('h', 'a', '1');
    await server.restart();
    expect(await redis.hget('h', 'a')).toBe('1');
    redis.disconnect();
  });

  it('loses data across a restart without AOF', async () => {
    const server = await startRedisServer();
    servers.push(server);
    const redis = new Redis(server.url, { maxRetriesPerRequest: null });
    await redis.set('gone', '1');
    await server.restart();
    expect(await redis.get('gone')).toBeNull();
    redis.disconnect();
  });
});
