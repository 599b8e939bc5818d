import { setTimeout as sleep } from 'node:timers/promises';
import { type RunEvent, redisKeys } from '@codegod/protocol';
import type { Redis } from 'ioredis';
import { parseStreamEntries } from './redis-run-store.js';

/** Entries read per XREAD. */
const BATCH = 500;
/** The pause before reading again after a failed read (e.g. Redis restarting). */
const RETRY_MS = 250;
/**
 * The pause after a read that returned events, before reading again. A task writes several
 * events within a few ms; without the pause each wakes the tail for its own XREAD, which cost
 * Redis more than the rest of following the run. Events still come in order, each at most
 * this late, and a quiet stream is waited on with XREAD BLOCK as before.
 */
const GATHER_MS = 50;

/**
 * Tails one run's event stream on a connection of its own (XREAD BLOCK), so its reader sees
 * steps too without any of them going through pub/sub. Returns a function that stops it.
 */
export function tailRunEvents(
  redis: Redis,
  runId: string,
  listener: (event: RunEvent) => void,
): () => void {
  const key = redisKeys.runEvents(runId);
  const connection = redis.duplicate();
  connection.on('error', () => {});
  let stopped = false;
  void (async () => {
    let cursor = '0-0';
    while (!stopped) {
      let reply: [string, [string, string[]][]][] | null;
      try {
        reply = await connection.xread('COUNT', BATCH, 'BLOCK', 0, 'STREAMS', key, cursor);
      } catch {
        if (!stopped) await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
        continue;
      }
      const entries = reply?.[0]?.[1] ?? [];
      if (entries.length === 0 || stopped) continue;
      cursor = entries.at(-1)![0];
      for (const event of parseStreamEntries(entries)) {
        if (stopped) break;
        try {
          listener(event);
        } catch {
          // A listener's bug must not stop the tail.
        }
      }
      if (entries.length < BATCH && !stopped) await sleep(GATHER_MS);
    }
  })();
  return () => {
    stopped = true;
    connection.disconnect();
  };
}
