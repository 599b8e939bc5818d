import {
  createInProcessTaskBus,
  createRedisTaskBus,
  type InProcessTaskBus,
  type InProcessTaskBusOptions,
  type RedisTaskBus,
  type TaskBus,
} from '@codegod/bus';
import { InMemoryTokenMeter } from '@codegod/llm';
import {
  createInMemoryMemoryStore,
  createRedisMemoryStore,
  type MemoryStore,
} from '@codegod/memory';
import type { ReportStore, RunWorkspaces } from '@codegod/orchestrator';
import type { TokenMeter } from '@codegod/protocol';
import { Redis } from 'ioredis';
import { RedisTokenMeter } from './redis-token-meter.js';
import { InMemoryReportStore, RedisReportStore } from './report-store.js';
import { InMemoryRunWorkspaces, RedisRunWorkspaces } from './run-workspaces.js';

/**
 * Every store a codegod process works over, each behind its port: the task bus, agent memory,
 * run reports, run workspaces and token accounting. The master, the workers and the CLI take
 * one of these and never open a store themselves.
 */
export interface FleetBackend {
  bus: TaskBus;
  memory: MemoryStore;
  reports: ReportStore;
  workspaces: RunWorkspaces;
  tokens: TokenMeter;
  /** Closes what the backend opened. */
  close(): Promise<void>;
}

/** The in-process backend (embedded mode, tests): nothing outlives the process. */
export interface MemoryBackend extends FleetBackend {
  bus: InProcessTaskBus;
  reports: InMemoryReportStore;
  workspaces: InMemoryRunWorkspaces;
  tokens: InMemoryTokenMeter;
}

/** Makes the in-process backend. `bus` sets the in-process bus's attempts and backoff. */
export function memoryBackend(options: { bus?: InProcessTaskBusOptions } = {}): MemoryBackend {
  const bus = createInProcessTaskBus(options.bus ?? {});
  return {
    bus,
    memory: createInMemoryMemoryStore(),
    reports: new InMemoryReportStore(),
    workspaces: new InMemoryRunWorkspaces(),
    tokens: new InMemoryTokenMeter(),
    close: () => bus.close(),
  };
}

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
