import { Redis } from 'ioredis';
import { FleetUnreachableError } from '../errors/fleet-unreachable-error.js';

/**
 * Connects to Redis and PINGs it, failing within a few seconds with a one-line error that says
 * what to do when it does not answer. Returns the open connection.
 */
export async function connectRedis(url: string, timeoutMs = 3000): Promise<Redis> {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 1,
    retryStrategy: (times) => (times > 3 ? null : 200),
  });
  redis.on('error', () => {});
  try {
    await redis.connect();
    await redis.ping();
    return redis;
  } catch (error) {
    redis.disconnect();
    throw new FleetUnreachableError(url.replace(/\/\/[^@]*@/, '//***@'), error);
  }
}
