import {
  type RunTokens,
  redisKeys,
  type TokenLabels,
  type TokenMeter,
  type TokenUsage,
  UNKNOWN_TOKEN_ROLE,
} from '@codegod/protocol';
import type { Redis } from 'ioredis';

/** The Redis commands RedisTokenMeter uses. */
export type TokenMeterRedis = Pick<Redis, 'multi' | 'hgetall'>;

const FIELDS = {
  promptTokens: 'prompt_tokens',
  completionTokens: 'completion_tokens',
  totalTokens: 'total_tokens',
} as const;

/**
 * The TokenMeter of the fleet, over two hashes every process adds into with HINCRBY (so
 * replicas' writes never overwrite each other):
 * - `codegod:metrics:llm`, what `redis-cli HGETALL` shows of spend: `calls`, `prompt_tokens`,
 *   `completion_tokens`, `total_tokens`, and the same three under `role:{role}:` and
 *   `phase:{phase}:`;
 * - `codegod:run:{runId}:tokens`, role → total tokens of the run: what the master's token
 *   budget and the run report read.
 * Each call is one MULTI: one round trip to Redis.
 */
export class RedisTokenMeter implements TokenMeter {
  readonly #redis: TokenMeterRedis;

  constructor(redis: TokenMeterRedis) {
    this.#redis = redis;
  }

  /** Adds one call's usage to the overall, role, phase and run counters in one MULTI. */
  async record(usage: TokenUsage, labels: TokenLabels): Promise<void> {
    const key = redisKeys.metricsLlm();
    const prefixes = [''];
    if (labels.role !== undefined) prefixes.push(`role:${labels.role}:`);
    if (labels.phase !== undefined) prefixes.push(`phase:${labels.phase}:`);
    const multi = this.#redis.multi().hincrby(key, 'calls', 1);
    for (const prefix of prefixes)
      for (const [name, field] of Object.entries(FIELDS))
        multi.hincrby(key, `${prefix}${field}`, usage[name as keyof TokenUsage]);
    if (labels.runId !== undefined && usage.totalTokens > 0)
      multi.hincrby(
        redisKeys.runTokens(labels.runId),
        labels.role ?? UNKNOWN_TOKEN_ROLE,
        usage.totalTokens,
      );
    const results = await multi.exec();
    const failed = results?.find(([error]) => error !== null);
    if (failed?.[0]) throw failed[0];
  }

  /** The run's totals so far, read from `codegod:run:{runId}:tokens`. */
  async usage(runId: string): Promise<RunTokens> {
    const hash = await this.#redis.hgetall(redisKeys.runTokens(runId));
    const byRole: Record<string, number> = {};
    let total = 0;
    for (const [role, value] of Object.entries(hash)) {
      const tokens = Number(value);
      if (!Number.isFinite(tokens)) continue;
      byRole[role] = tokens;
      total += tokens;
    }
    return { total, by_role: byRole };
  }
}
