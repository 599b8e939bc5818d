import { RunExistsError } from '@codegod/bus';
import type { RunWorkspaces } from '@codegod/orchestrator';
import { redisKeys } from '@codegod/protocol';
import type { Redis } from 'ioredis';

/** Runs whose workspace a store keeps in this process by default. */
const KEPT_RUNS = 1024;

/** Makes `key` the most recent entry of `map`, forgetting the least recent past `keep`. */
function touch(map: Map<string, string>, key: string, value: string, keep: number): void {
  map.delete(key);
  map.set(key, value);
  for (const oldest of map.keys()) {
    if (map.size <= keep) break;
    map.delete(oldest);
  }
}

/**
 * Run workspaces in this process (embedded mode). Only the `keepRuns` runs set or looked up most
 * recently are kept (default 1024), so a long-lived process stays flat; a live run's workers
 * look its workspace up on every task.
 */
export class InMemoryRunWorkspaces implements RunWorkspaces {
  readonly #map = new Map<string, string>();
  readonly #keep: number;

  constructor(options: { keepRuns?: number } = {}) {
    this.#keep = options.keepRuns ?? KEPT_RUNS;
  }

  async set(runId: string, workspace: string): Promise<void> {
    const recorded = this.#map.get(runId);
    if (recorded !== undefined && recorded !== workspace) throw new RunExistsError(runId);
    touch(this.#map, runId, workspace, this.#keep);
  }

  async get(runId: string): Promise<string | undefined> {
    const workspace = this.#map.get(runId);
    if (workspace !== undefined) touch(this.#map, runId, workspace, this.#keep);
    return workspace;
  }
}

/**
 * Run workspaces in Redis at `codegod:run:{id}:workspace`, the `keepRuns` most recently used
 * cached per process (default 1024; a forgotten one is read from Redis again).
 */
export class RedisRunWorkspaces implements RunWorkspaces {
  readonly #redis: Redis;
  readonly #cache = new Map<string, string>();
  readonly #keep: number;

  constructor(redis: Redis, options: { keepRuns?: number } = {}) {
    this.#redis = redis;
    this.#keep = options.keepRuns ?? KEPT_RUNS;
  }

  async set(runId: string, workspace: string): Promise<void> {
    const key = redisKeys.runWorkspace(runId);
    // Only a run that has none gets one: a second start under the same id cannot move it.
    if ((await this.#redis.set(key, workspace, 'NX')) === null) {
      if ((await this.#redis.get(key)) !== workspace) throw new RunExistsError(runId);
    }
    touch(this.#cache, runId, workspace, this.#keep);
  }

  async get(runId: string): Promise<string | undefined> {
    const cached = this.#cache.get(runId);
    if (cached !== undefined) {
      touch(this.#cache, runId, cached, this.#keep);
      return cached;
    }
    const workspace = await this.#redis.get(redisKeys.runWorkspace(runId));
    if (workspace === null) return undefined;
    touch(this.#cache, runId, workspace, this.#keep);
    return workspace;
  }
}
