import { randomUUID } from 'node:crypto';
import type { AgentMemory } from '@codegod/protocol';
import { agentMemorySchema } from '@codegod/protocol';
import { assertAgentId, isCheckpointId } from './agent-id.js';
import { parseTtlSeconds } from './checkpoint-ttl.js';
import { MemoryNotFoundError } from './errors/memory-not-found-error.js';
import { UnknownCheckpointError } from './errors/unknown-checkpoint-error.js';
import type { CheckpointOptions, MemoryStore } from './memory-store.js';
import { wipeMemory } from './wipe-memory.js';

/** Settings of `createInMemoryMemoryStore`. */
export interface InMemoryMemoryStoreOptions {
  /** Seconds a checkpoint lives unless `checkpoint()` says otherwise. Default: 7 days. */
  checkpointTtlSeconds?: number;
  /** The clock, in milliseconds since the epoch. Default: `Date.now`. */
  now?: () => number;
}

interface StoredCheckpoint {
  memory: AgentMemory;
  expiresAt: number;
}

/**
 * The reference MemoryStore, for embedded mode and tests: everything lives in this process.
 * Memories are deep-copied in and out, so callers never share state with the store.
 */
export class InMemoryMemoryStore implements MemoryStore {
  private readonly memories = new Map<string, AgentMemory>();
  // Insertion order of the inner map is creation order, which listCheckpoints promises.
  private readonly checkpoints = new Map<string, Map<string, StoredCheckpoint>>();
  private readonly ttlSeconds: number;
  private readonly now: () => number;

  constructor(options: InMemoryMemoryStoreOptions = {}) {
    this.ttlSeconds = parseTtlSeconds('checkpointTtlSeconds', options.checkpointTtlSeconds);
    this.now = options.now ?? Date.now;
  }

  async load(agentId: string): Promise<AgentMemory | undefined> {
    const memory = this.memories.get(assertAgentId(agentId));
    return memory === undefined ? undefined : structuredClone(memory);
  }

  async save(agentId: string, memory: AgentMemory): Promise<void> {
    this.memories.set(assertAgentId(agentId), agentMemorySchema.parse(structuredClone(memory)));
  }

  async checkpoint(agentId: string, options: CheckpointOptions = {}): Promise<string> {
    const memory = this.memories.get(assertAgentId(agentId));
    if (memory === undefined) throw new MemoryNotFoundError(agentId, 'checkpoint');
    const ttl = parseTtlSeconds('ttlSeconds', options.ttlSeconds ?? this.ttlSeconds);
    const id = randomUUID();
    const saved = this.checkpoints.get(agentId) ?? new Map<string, StoredCheckpoint>();
    saved.set(id, { memory: structuredClone(memory), expiresAt: this.now() + ttl * 1000 });
    this.checkpoints.set(agentId, saved);
    return id;
  }

  async restore(agentId: string, checkpointId: string): Promise<AgentMemory> {
    this.prune(assertAgentId(agentId));
    const saved = isCheckpointId(checkpointId)
      ? this.checkpoints.get(agentId)?.get(checkpointId)
      : undefined;
    if (saved === undefined) throw new UnknownCheckpointError(agentId, checkpointId);
    this.memories.set(agentId, structuredClone(saved.memory));
    return structuredClone(saved.memory);
  }

  async listCheckpoints(agentId: string): Promise<string[]> {
    this.prune(assertAgentId(agentId));
    return [...(this.checkpoints.get(agentId)?.keys() ?? [])];
  }

  async wipe(agentId: string): Promise<void> {
    const memory = this.memories.get(assertAgentId(agentId));
    if (memory !== undefined) this.memories.set(agentId, wipeMemory(memory));
  }

  async wipeAll(): Promise<string[]> {
    const agentIds = await this.listAgents();
    for (const agentId of agentIds) await this.wipe(agentId);
    return agentIds;
  }

  async listAgents(): Promise<string[]> {
    return [...this.memories.keys()].sort();
  }

  private prune(agentId: string): void {
    const saved = this.checkpoints.get(agentId);
    if (saved === undefined) return;
    const now = this.now();
    for (const [id, checkpoint] of saved) if (checkpoint.expiresAt <= now) saved.delete(id);
    if (saved.size === 0) this.checkpoints.delete(agentId);
  }
}

/** Creates the in-process MemoryStore. Throws ConfigError on a bad setting. */
export function createInMemoryMemoryStore(
  options: InMemoryMemoryStoreOptions = {},
): InMemoryMemoryStore {
  return new InMemoryMemoryStore(options);
}
