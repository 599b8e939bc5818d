import { createRedisTaskBus, type RedisTaskBus } from '@codegod/bus';
import { createRedisMemoryStore } from '@codegod/memory';
import { Redis } from 'ioredis';
import type { FleetBackend } from './fleet-backend.js';
import { RedisTokenMeter } from './redis-token-meter.js';
import { RedisReportStore } from './report-store.js';
import { RedisRunWorkspaces } from './run-workspaces.js';

/** Settings of `redisBackend`. */
export interface RedisBackendOptions {
  /** Run the bus's scheduler in this process (the master does; workers and the CLI do not). Default: false. */
  scheduler?: boolean;
  /**
   * Retries of a command while Redis is away: null waits for it to come back (the services),
   * a number fails fast (the CLI). Default: null.
   */
  maxRetriesPerRequest?: number | null;
  /** Told of the connection's errors (`redis`) and the bus's (`bus`). Default: they are ignored. */
  onError?: (error: unknown, source: 'redis' | 'bus') => void;
}

/** The Redis backend: the fleet's processes share it. `redis` is its connection, for the fleet's own keys. */
export interface RedisBackend extends FleetBackend {
  bus: RedisTaskBus;
  reports: RedisReportStore;
  workspaces: RedisRunWorkspaces;
  tokens: RedisTokenMeter;
  redis: Redis;
}

/** Opens the Redis backend at `url` (`redis://host:port`). */
export async function redisBackend(
  url: string,
  options: RedisBackendOptions = {},
): Promise<RedisBackend> {
  const onError = options.onError ?? (() => {});
  const redis = new Redis(url, { maxRetriesPerRequest: options.maxRetriesPerRequest ?? null });
  redis.on('error', (error) => onError(error, 'redis'));
  try {
    const bus = await createRedisTaskBus({
      redisUrl: url,
      scheduler: options.scheduler ?? false,
      onError: (error) => onError(error, 'bus'),
    });
    const memory = createRedisMemoryStore({ redis });
    return {
      bus,
      memory,
      reports: new RedisReportStore(redis),
      workspaces: new RedisRunWorkspaces(redis),
      tokens: new RedisTokenMeter(redis),
      redis,
      async close() {
        await bus.close();
        await memory.close();
        redis.disconnect();
      },
    };
  } catch (error) {
    redis.disconnect();
    throw error;
  }
}
