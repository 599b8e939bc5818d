import { ConfigError } from '@codegod/protocol';

/** The default checkpoint lifetime: 7 days, so forgotten checkpoints do not leak. */
export const DEFAULT_CHECKPOINT_TTL_SECONDS = 7 * 24 * 60 * 60;

/**
 * Checks a TTL setting (fractions allowed, resolution 1 ms; default 7 days).
 * Throws ConfigError naming `option`.
 */
export function parseTtlSeconds(option: string, value: number | undefined): number {
  const ttl = value ?? DEFAULT_CHECKPOINT_TTL_SECONDS;
  if (typeof ttl !== 'number' || !Number.isFinite(ttl) || ttl * 1000 < 1) {
    throw new ConfigError(
      option,
      undefined,
      `expected at least 0.001 seconds, got ${String(value)}`,
    );
  }
  return ttl;
}
