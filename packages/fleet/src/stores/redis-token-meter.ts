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
export type TokenMeterRedis = Pick<Redis, 'defineCommand' | 'hgetall'>;

/** The record script, callable once defined on a connection. */
interface RecordCommand {
  codegodRecordTokens(...args: [string, string, ...(string | number)[]]): Promise<number>;
}

/**
 * One call's HINCRBYs, run in Redis: `calls` by 1, then prompt, completion and total tokens
 * under each prefix (ARGV[5..]), then the run's total under its role (ARGV[4]) unless that is
 * empty. One EVAL instead of a MULTI of up to 13 commands: the meter runs on every LLM call.
 * KEYS: metrics hash, run tokens hash. ARGV: prompt, completion, total, run role, prefixes….
 */
const RECORD_SCRIPT = `
redis.call('HINCRBY', KEYS[1], 'calls', 1)
for i = 5, #ARGV do
  redis.call('HINCRBY', KEYS[1], ARGV[i] .. 'prompt_tokens', ARGV[1])
  redis.call('HINCRBY', KEYS[1], ARGV[i] .. 'completion_tokens', ARGV[2])
  redis.call('HINCRBY', KEYS[1], ARGV[i] .. 'total_tokens', ARGV[3])
end
if ARGV[4] ~= '' then redis.call('HINCRBY', KEYS[2], ARGV[4], ARGV[3]) end
return 1
`;

/**
 * The TokenMeter of the fleet, over two hashes every process adds into with HINCRBY (so
 * replicas' writes never overwrite each other):
 * - `codegod:metrics:llm`, what `redis-cli HGETALL` shows of spend: `calls`, `prompt_tokens`,
 *   `completion_tokens`, `total_tokens`, and the same three under `role:{role}:` and
 *   `phase:{phase}:`;
 * - `codegod:run:{runId}:tokens`, role → total tokens of the run: what the master's token
 *   budget and the run report read.
 * Each call is one script call: one round trip and one command. ioredis sends the script once
 * per connection (EVAL), then only its SHA (EVALSHA), so a call does not resend the script.
 */
export class RedisTokenMeter implements TokenMeter {
  readonly #redis: TokenMeterRedis;
  readonly #script: RecordCommand;

  constructor(redis: TokenMeterRedis) {
    this.#redis = redis;
    redis.defineCommand('codegodRecordTokens', { numberOfKeys: 2, lua: RECORD_SCRIPT });
    this.#script = redis as unknown as RecordCommand;
  }

  /** Adds one call's usage to the overall, role, phase and run counters in one script call. */
  async record(usage: TokenUsage, labels: TokenLabels): Promise<void> {
    const key = redisKeys.metricsLlm();
    const prefixes = [''];
    if (labels.role !== undefined) prefixes.push(`role:${labels.role}:`);
    if (labels.phase !== undefined) prefixes.push(`phase:${labels.phase}:`);
    const runKey =
      labels.runId !== undefined && usage.totalTokens > 0
        ? redisKeys.runTokens(labels.runId)
        : undefined;
    await this.#script.codegodRecordTokens(
      key,
      runKey ?? key,
      usage.promptTokens,
      usage.completionTokens,
      usage.totalTokens,
      runKey === undefined ? '' : (labels.role ?? UNKNOWN_TOKEN_ROLE),
      ...prefixes,
    );
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
