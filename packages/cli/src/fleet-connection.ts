import { loadConfig } from '@codegod/config';
import type { RedisBackend } from '@codegod/fleet/client';
import { CodegodError } from '@codegod/protocol';

/** An open connection to the fleet's Redis, through the ports. */
export interface FleetConnection extends RedisBackend {
  url: string;
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
  // The fleet's client part (Redis stores, the bus) is loaded here, when a command connects, so
  // that commands importing this module stay light for their help and usage errors.
  const { connectRedis, redisBackend } = await import('@codegod/fleet/client');
  // The probe fails fast and stops reconnecting; following a run must outlive a Redis restart,
  // so the connection kept is one that reconnects (commands still fail fast while it is down).
  (await connectRedis(config.redisUrl)).disconnect();
  const backend = await redisBackend(config.redisUrl, { maxRetriesPerRequest: 1 });
  return { ...backend, url: config.redisUrl };
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
