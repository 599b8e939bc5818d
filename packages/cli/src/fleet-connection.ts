import { createRedisTaskBus, type RedisTaskBus } from '@codegod/bus';
import { loadConfig } from '@codegod/config';
import { createRedisMemoryStore, type MemoryStore } from '@codegod/memory';
import { connectRedis, RedisReportStore } from '@codegod/orchestrator';
import { CodegodError } from '@codegod/protocol';
import { Redis } from 'ioredis';

/** An open connection to the fleet's Redis, through the ports. */
export interface FleetConnection {
  url: string;
  redis: Redis;
  bus: RedisTaskBus;
  memory: MemoryStore;
  reports: RedisReportStore;
  close(): Promise<void>;
}

/** Connects to the fleet named by REDIS_URL; a one-line error says what to do when it cannot. */
export async function openFleet(): Promise<FleetConnection> {
  const config = loadConfig();
  if (!config.redisUrl) {
    throw new CodegodError(
      'no-fleet',
      'REDIS_URL is not set, so there is no fleet to talk to (embedded runs keep no state after they end). ' +
        'Start the fleet with ./start-agents.sh up and export REDIS_URL.',
    );
  }
  // The probe fails fast and stops reconnecting; following a run must outlive a Redis restart,
  // so the connection kept is one that reconnects (commands still fail fast while it is down).
  (await connectRedis(config.redisUrl)).disconnect();
  const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 1 });
  redis.on('error', () => {});
  const bus = await createRedisTaskBus({
    redisUrl: config.redisUrl,
    scheduler: false,
    onError: () => {},
  });
  const memory = createRedisMemoryStore({ redis });
  return {
    url: config.redisUrl,
    redis,
    bus,
    memory,
    reports: new RedisReportStore(redis),
    async close() {
      await bus.close();
      await memory.close();
      redis.disconnect();
    },
  };
}

/** Runs `action` with an open fleet connection and closes it after. */
export async function withFleet<T>(action: (fleet: FleetConnection) => Promise<T>): Promise<T> {
  const fleet = await openFleet();
  try {
    return await action(fleet);
  } finally {
    await fleet.close();
  }
}
