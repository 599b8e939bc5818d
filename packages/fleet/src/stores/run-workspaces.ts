import type { RunWorkspaces } from '@codegod/orchestrator';
import { redisKeys } from '@codegod/protocol';
import type { Redis } from 'ioredis';

/** Run workspaces in this process (embedded mode). */
export class InMemoryRunWorkspaces implements RunWorkspaces {
  readonly #map = new Map<string, string>();

  async set(runId: string, workspace: string): Promise<void> {
    this.#map.set(runId, workspace);
  }

  async get(runId: string): Promise<string | undefined> {
    return this.#map.get(runId);
  }
}

/** Run workspaces in Redis at `codegod:run:{id}:workspace`, cached per process. */
export class RedisRunWorkspaces implements RunWorkspaces {
  readonly #redis: Redis;
  readonly #cache = new Map<string, string>();

  constructor(redis: Redis) {
    this.#redis = redis;
  }

  async set(runId: string, workspace: string): Promise<void> {
    await this.#redis.set(redisKeys.runWorkspace(runId), workspace);
    this.#cache.set(runId, workspace);
  }

  async get(runId: string): Promise<string | undefined> {
    const cached = this.#cache.get(runId);
    if (cached !== undefined) return cached;
    const workspace = await this.#redis.get(redisKeys.runWorkspace(runId));
    if (workspace === null) return undefined;
    this.#cache.set(runId, workspace);
    return workspace;
  }
}
