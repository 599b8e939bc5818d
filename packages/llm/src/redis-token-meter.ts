import { redisKeys } from '@codegod/protocol';
import type { Redis } from 'ioredis';
import type { TokenUsage } from './llm-client.js';
import { emptyUsage, type TokenLabels, type TokenMeter, type TokenTotals } from './token-meter.js';

/** The Redis commands RedisTokenMeter uses. */
export type TokenMeterRedis = Pick<Redis, 'multi' | 'hgetall'>;

const FIELDS = {
  promptTokens: 'prompt_tokens',
  completionTokens: 'completion_tokens',
  totalTokens: 'total_tokens',
} as const;

/**
 * A TokenMeter over the Redis hash `codegod:metrics:llm`, so `redis-cli HGETALL` shows spend.
 * Fields: `prompt_tokens`, `completion_tokens`, `total_tokens`, `calls`, and the same three
 * under `run:{runId}:`, `role:{role}:` and `phase:{phase}:`. HINCRBY keeps replicas' writes
 * from overwriting each other.
 */
export class RedisTokenMeter implements TokenMeter {
  constructor(private readonly redis: TokenMeterRedis) {}

  /** Adds one call's usage to the overall, run, role and phase counters in one MULTI. */
  async record(usage: TokenUsage, labels: TokenLabels): Promise<void> {
    const key = redisKeys.metricsLlm();
    const prefixes = [''];
    if (labels.runId !== undefined) prefixes.push(`run:${labels.runId}:`);
    if (labels.role !== undefined) prefixes.push(`role:${labels.role}:`);
    if (labels.phase !== undefined) prefixes.push(`phase:${labels.phase}:`);
    const multi = this.redis.multi().hincrby(key, 'calls', 1);
    for (const prefix of prefixes)
      for (const [name, field] of Object.entries(FIELDS))
        multi.hincrby(key, `${prefix}${field}`, usage[name as keyof TokenUsage]);
    const results = await multi.exec();
    const failed = results?.find(([error]) => error !== null);
    if (failed?.[0]) throw failed[0];
  }

  /** Reads the totals back from the hash. */
  async totals(): Promise<TokenTotals> {
    const hash = await this.redis.hgetall(redisKeys.metricsLlm());
    const totals: TokenTotals = { total: emptyUsage(), byRun: {}, byRole: {} };
    for (const [field, raw] of Object.entries(hash)) {
      const match = /^(?:(run|role):(.+):)?(prompt_tokens|completion_tokens|total_tokens)$/.exec(
        field,
      );
      if (!match) continue;
      const [, kind, label, counter] = match;
      const name = (Object.keys(FIELDS) as (keyof TokenUsage)[]).find(
        (k) => FIELDS[k] === counter,
      )!;
      const bucket =
        kind === 'run' ? totals.byRun : kind === 'role' ? totals.byRole : { '': totals.total };
      const id = label ?? '';
      bucket[id] ??= emptyUsage();
      bucket[id][name] = Number(raw);
    }
    return totals;
  }
}
