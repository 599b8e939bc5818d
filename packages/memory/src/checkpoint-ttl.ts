import { defineSettings } from '@codegod/config';
import { z } from 'zod';

/** The default checkpoint lifetime: 7 days, so forgotten checkpoints do not leak. */
export const DEFAULT_CHECKPOINT_TTL_SECONDS = 7 * 24 * 60 * 60;

/** Seconds, fractions allowed, resolution 1 ms. */
const seconds = z
  .number({ error: 'expected a number of seconds' })
  .min(0.001, 'expected at least 0.001 seconds');

/** How long checkpoints live; both are given in code (the stores' and `checkpoint`'s options). */
export const CHECKPOINT_TTL_SETTINGS = defineSettings({
  /** A store's checkpoint lifetime. Default: 7 days. */
  checkpointTtlSeconds: { schema: seconds.default(DEFAULT_CHECKPOINT_TTL_SECONDS) },
  /** One checkpoint's lifetime. Default: the store's. */
  ttlSeconds: { schema: seconds.optional() },
});

/** A store's checkpoint lifetime (option `checkpointTtlSeconds`). Throws ConfigError naming it. */
export function storeCheckpointTtl(given: number | undefined): number {
  return CHECKPOINT_TTL_SETTINGS.resolve({ checkpointTtlSeconds: given }, {}).checkpointTtlSeconds;
}

/** One checkpoint's lifetime: `given` (option `ttlSeconds`), else the store's. Throws ConfigError. */
export function checkpointTtl(storeTtl: number, given: number | undefined): number {
  const resolved = CHECKPOINT_TTL_SETTINGS.resolve(
    { checkpointTtlSeconds: storeTtl, ttlSeconds: given },
    {},
  );
  return resolved.ttlSeconds ?? resolved.checkpointTtlSeconds;
}
