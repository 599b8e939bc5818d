import { ConfigError, type RunFact, redisKeys, runFactSchema } from '@codegod/protocol';
import { Redis } from 'ioredis';
import { byName, factKey, type RunFactStore, recordInto } from './run-fact-store.js';

/** The Redis commands the fact store uses. */
type FactRedis = Pick<Redis, 'hgetall' | 'hset' | 'hvals'>;

/**
 * Run facts in Redis, one hash per run at `codegod:run:{id}:facts` (`role/name` → JSON
 * RunFact), so every worker process of the fleet sees them.
 */
export class RedisRunFactStore implements RunFactStore {
  readonly #redis: FactRedis;
  /** The client this store made from a URL, closed by `close()`; a given client stays open. */
  readonly #own: Redis | undefined;

  /** `redis`: a client to share, or a redis:// URL for a client of its own. */
  constructor(redis: FactRedis | string) {
    if (typeof redis === 'string') {
      if (!/^rediss?:\/\//.test(redis)) {
        throw new ConfigError('redis', undefined, `expected a redis:// URL, got ${redis}`);
      }
      this.#own = new Redis(redis, { lazyConnect: true });
      this.#redis = this.#own;
    } else {
      this.#own = undefined;
      this.#redis = redis;
    }
  }

  /** Disconnects the client this store made; a shared one is left to its owner. */
  async close(): Promise<void> {
    this.#own?.disconnect();
  }

  async record(runId: string, facts: readonly RunFact[]): Promise<RunFact[]> {
    const key = redisKeys.runFacts(runId);
    // One read of the whole run's facts serves both the comparison and the answer; the write
    // follows only when something changed. Two agents racing on one fact both hold a true
    // value, so the last write winning is harmless; only the provenance of an equal value is
    // kept.
    const onRecord = byKey(Object.values(await this.#redis.hgetall(key)));
    const changed = recordInto(onRecord, facts);
    if (changed.length > 0) {
      const fields = changed.map((fact) => [factKey(fact), JSON.stringify(fact)]);
      await this.#redis.hset(key, Object.fromEntries(fields));
    }
    return byName(onRecord.values());
  }

  async list(runId: string): Promise<RunFact[]> {
    return byName(byKey(await this.#redis.hvals(redisKeys.runFacts(runId))).values());
  }
}

/**
 * The stored facts by their key, read from the JSON. A fact recorded by name alone, before
 * facts were kept per role, counts once, under its role; of two under one key, the one found
 * last is the fact.
 */
function byKey(texts: (string | null)[]): Map<string, RunFact> {
  const facts = new Map<string, RunFact>();
  for (const text of texts) {
    const stored = parseFact(text);
    if (!stored) continue;
    const key = factKey(stored);
    const other = facts.get(key);
    if (!other || other.found_at <= stored.found_at) facts.set(key, stored);
  }
  return facts;
}

/** A stored fact, or undefined for a missing or unreadable one (skipped, never trusted). */
function parseFact(text: string | null): RunFact | undefined {
  if (text === null) return undefined;
  try {
    return runFactSchema.safeParse(JSON.parse(text)).data;
  } catch {
    return undefined;
  }
}
