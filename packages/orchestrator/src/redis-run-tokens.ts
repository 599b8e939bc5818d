import type { TokenLabels, TokenMeter, TokenUsage } from '@codegod/llm';
import { redisKeys } from '@codegod/protocol';
import type { Redis } from 'ioredis';
import type { RunTokens } from './build-run-report.js';

/**
 * Per-run, per-role token totals in Redis (`codegod:run:{id}:tokens`), written by every agent
 * process and read by the master for budgets and reports.
 */
export class RedisRunTokens implements TokenMeter {
  readonly #redis: Redis;

  constructor(redis: Redis) {
    this.#redis = redis;
  }

  async record(usage: TokenUsage, labels: TokenLabels): Promise<void> {
    if (labels.runId === undefined || usage.totalTokens === 0) return;
    await this.#redis.hincrby(
      redisKeys.runTokens(labels.runId),
      labels.role ?? 'unknown',
      usage.totalTokens,
    );
  }

  /** The run's totals so far. */
  async usage(runId: string): Promise<RunTokens> {
    const hash = await this.#redis.hgetall(redisKeys.runTokens(runId));
    const byRole: Record<string, number> = {};
    let total = 0;
    for (const [role, value] of Object.entries(hash)) {
      const n = Number(value);
      if (!Number.isFinite(n)) continue;
      byRole[role] = n;
      total += n;
    }
    return { total, by_role: byRole };
  }
}

/** Records every usage into each of several meters. */
export class TeeTokenMeter implements TokenMeter {
  readonly #meters: TokenMeter[];

  constructor(...meters: TokenMeter[]) {
    this.#meters = meters;
  }

  async record(usage: TokenUsage, labels: TokenLabels): Promise<void> {
    await Promise.all(this.#meters.map((meter) => meter.record(usage, labels)));
  }
}
