import { randomUUID } from 'node:crypto';
import type { AgentMemory } from '@codegod/protocol';
import { agentMemorySchema, CodegodError, ConfigError } from '@codegod/protocol';
import { Redis } from 'ioredis';
import { assertAgentId, isCheckpointId } from './agent-id.js';
import { checkpointTtl, storeCheckpointTtl } from './checkpoint-ttl.js';
import { MemoryNotFoundError } from './errors/memory-not-found-error.js';
import { UnknownCheckpointError } from './errors/unknown-checkpoint-error.js';
import { memoryRedisKeys as keys } from './memory-redis-keys.js';
import type { CheckpointOptions, MemoryStore } from './memory-store.js';
import { parseAgentMemory, parseJsonText } from './parse-agent-memory.js';
import { CHECKPOINT_SCRIPT, LIST_CHECKPOINTS_SCRIPT, WIPE_SCRIPT } from './redis-memory-scripts.js';
import { WIPED_FIELDS } from './wipe-memory.js';

/** Settings of `createRedisMemoryStore`. */
export interface RedisMemoryStoreOptions {
  /**
   * An ioredis client, or a `redis://` URL (environment variable REDIS_URL in the services).
   * A client passed in stays open on `close()`; one made from a URL is closed. Required.
   */
  redis: Redis | string;
  /** Seconds a checkpoint lives unless `checkpoint()` says otherwise. Default: 7 days. */
  checkpointTtlSeconds?: number;
}

/** Encodes each AgentMemory field as JSON, one hash field per memory field. */
function encodeFields(memory: Partial<AgentMemory>): string[] {
  return Object.entries(memory).flatMap(([field, value]) => [field, JSON.stringify(value)]);
}

/**
 * MemoryStore on Redis hashes: `codegod:memory:{agentId}` holds the memory, one field per
 * AgentMemory field; `codegod:checkpoint:{agentId}:{id}` holds a saved copy that expires.
 */
export class RedisMemoryStore implements MemoryStore {
  private readonly redis: Redis;
  private readonly ownsClient: boolean;
  private readonly ttlSeconds: number;

  constructor(options: RedisMemoryStoreOptions) {
    this.ttlSeconds = storeCheckpointTtl(options.checkpointTtlSeconds);
    if (typeof options.redis === 'string') {
      if (!/^rediss?:\/\//.test(options.redis)) {
        throw new ConfigError(
          'redis',
          'REDIS_URL',
          `expected a redis:// URL, got ${options.redis}`,
        );
      }
      this.redis = new Redis(options.redis, { lazyConnect: true });
      this.ownsClient = true;
    } else if (typeof options.redis?.hgetall === 'function') {
      // Duck-typed, not instanceof: a client from another copy of ioredis works as well.
      this.redis = options.redis;
      this.ownsClient = false;
    } else {
      throw new ConfigError('redis', 'REDIS_URL', 'expected an ioredis client or a redis:// URL');
    }
  }

  async load(agentId: string): Promise<AgentMemory | undefined> {
    return this.readHash(keys.memory(assertAgentId(agentId)));
  }

  async save(agentId: string, memory: AgentMemory): Promise<void> {
    const valid = agentMemorySchema.parse(memory);
    const key = keys.memory(assertAgentId(agentId));
    await this.redis
      .multi()
      .del(key)
      .hset(key, ...encodeFields(valid))
      .sadd(keys.agents(), agentId)
      .exec()
      .then(throwOnFailure);
  }

  async checkpoint(agentId: string, options: CheckpointOptions = {}): Promise<string> {
    assertAgentId(agentId);
    const ttl = checkpointTtl(this.ttlSeconds, options.ttlSeconds);
    const id = randomUUID();
    const copied = await this.redis.eval(
      CHECKPOINT_SCRIPT,
      3,
      keys.memory(agentId),
      keys.checkpoint(agentId, id),
      keys.checkpoints(agentId),
      id,
      Math.ceil(ttl * 1000),
      Date.now(),
    );
    if (copied !== 1) throw new MemoryNotFoundError(agentId, 'checkpoint');
    return id;
  }

  async restore(agentId: string, checkpointId: string): Promise<AgentMemory> {
    assertAgentId(agentId);
    if (!isCheckpointId(checkpointId)) throw new UnknownCheckpointError(agentId, checkpointId);
    const memory = await this.readHash(keys.checkpoint(agentId, checkpointId));
    if (memory === undefined) throw new UnknownCheckpointError(agentId, checkpointId);
    await this.save(agentId, memory);
    return memory;
  }

  async listCheckpoints(agentId: string): Promise<string[]> {
    const ids = await this.redis.eval(
      LIST_CHECKPOINTS_SCRIPT,
      1,
      keys.checkpoints(assertAgentId(agentId)),
      keys.checkpoint(agentId, ''),
    );
    return ids as string[];
  }

  async wipe(agentId: string): Promise<void> {
    await this.redis.eval(
      WIPE_SCRIPT,
      1,
      keys.memory(assertAgentId(agentId)),
      ...encodeFields(WIPED_FIELDS),
    );
  }

  async wipeAll(): Promise<string[]> {
    const agentIds = (await this.redis.smembers(keys.agents())).sort();
    if (agentIds.length === 0) return [];
    const batch = this.redis.multi();
    for (const agentId of agentIds) {
      batch.eval(WIPE_SCRIPT, 1, keys.memory(agentId), ...encodeFields(WIPED_FIELDS));
    }
    const replies = throwOnFailure(await batch.exec());
    const wiped = agentIds.filter((_, i) => replies[i] === 1);
    // An id whose hash is gone (deleted by hand) is stale: drop it from the index.
    const stale = agentIds.filter((_, i) => replies[i] !== 1);
    if (stale.length > 0) await this.redis.srem(keys.agents(), ...stale);
    return wiped;
  }

  async listAgents(): Promise<string[]> {
    const agentIds = (await this.redis.smembers(keys.agents())).sort();
    if (agentIds.length === 0) return [];
    const batch = this.redis.pipeline();
    for (const agentId of agentIds) batch.exists(keys.memory(agentId));
    const replies = throwOnFailure(await batch.exec());
    return agentIds.filter((_, i) => replies[i] === 1);
  }

  /** Closes the Redis connection when this store opened it. */
  async close(): Promise<void> {
    if (this.ownsClient) await this.redis.quit().catch(() => this.redis.disconnect());
  }

  private async readHash(key: string): Promise<AgentMemory | undefined> {
    const hash = await this.redis.hgetall(key);
    if (Object.keys(hash).length === 0) return undefined;
    const decoded = Object.fromEntries(
      Object.entries(hash).map(([field, text]) => [field, parseJsonText(text, `${key} ${field}`)]),
    );
    return parseAgentMemory(decoded, key);
  }
}

/** Unwraps a MULTI/pipeline reply, throwing the first command error. */
function throwOnFailure(replies: [Error | null, unknown][] | null): unknown[] {
  if (replies === null) {
    throw new CodegodError(
      'memory-transaction-aborted',
      'A Redis transaction was aborted; retry.',
      {
        isRetryable: true,
      },
    );
  }
  return replies.map(([error, value]) => {
    if (error) throw error;
    return value;
  });
}

/** Creates the Redis MemoryStore. Throws ConfigError on a bad setting. */
export function createRedisMemoryStore(options: RedisMemoryStoreOptions): RedisMemoryStore {
  return new RedisMemoryStore(options);
}
