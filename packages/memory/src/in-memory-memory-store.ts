import { randomUUID } from 'node:crypto';
import type { AgentMemory } from '@codegod/protocol';
import { agentMemorySchema } from '@codegod/protocol';
import { assertAgentId, isCheckpointId } from './agent-id.js';
import { checkpointTtl, storeCheckpointTtl } from './checkpoint-ttl.js';
import { copyPlainData } from './copy-plain-data.js';
import { MemoryNotFoundError } from './errors/memory-not-found-error.js';
import { UnknownCheckpointError } from './errors/unknown-checkpoint-error.js';
import { type AgentFile, readAgentFiles, writeAgentFile } from './memory-files.js';
import type { CheckpointOptions, MemoryStore } from './memory-store.js';
import { wipeMemory } from './wipe-memory.js';

/** Settings of `createInMemoryMemoryStore`. */
export interface InMemoryMemoryStoreOptions {
  /** Seconds a checkpoint lives unless `checkpoint()` says otherwise. Default: 7 days. */
  checkpointTtlSeconds?: number;
  /**
   * A folder to keep one `{agentId}.json` per agent in (memory and checkpoints), so memory
   * survives a restart of the embedded mode. Read on first use. Default: none, memory only.
   */
  directory?: string;
  /** The clock, in milliseconds since the epoch. Default: `Date.now`. */
  now?: () => number;
}

/**
 * The reference MemoryStore, for embedded mode and tests: everything lives in this process,
 * optionally mirrored to files. Memories are deep-copied in and out, so callers never share
 * state with the store.
 */
export class InMemoryMemoryStore implements MemoryStore {
  // Checkpoint arrays are kept in creation order, which listCheckpoints promises.
  private agents = new Map<string, AgentFile>();
  private loading: Promise<void> | undefined;
  private writing: Promise<void> = Promise.resolve();
  private readonly ttlSeconds: number;
  private readonly directory: string | undefined;
  private readonly now: () => number;

  constructor(options: InMemoryMemoryStoreOptions = {}) {
    this.ttlSeconds = storeCheckpointTtl(options.checkpointTtlSeconds);
    this.directory = options.directory;
    this.now = options.now ?? Date.now;
  }

  async load(agentId: string): Promise<AgentMemory | undefined> {
    const agent = await this.agent(agentId);
    return agent === undefined ? undefined : copyPlainData(agent.memory);
  }

  async save(agentId: string, memory: AgentMemory): Promise<void> {
    const valid = agentMemorySchema.parse(copyPlainData(memory));
    const agent = await this.agent(agentId);
    this.agents.set(agentId, { memory: valid, checkpoints: agent?.checkpoints ?? [] });
    await this.persist(agentId);
  }

  async checkpoint(agentId: string, options: CheckpointOptions = {}): Promise<string> {
    const agent = await this.agent(agentId);
    if (agent === undefined) throw new MemoryNotFoundError(agentId, 'checkpoint');
    const ttl = checkpointTtl(this.ttlSeconds, options.ttlSeconds);
    const id = randomUUID();
    const expires_at = this.now() + ttl * 1000;
    agent.checkpoints.push({ id, expires_at, memory: structuredClone(agent.memory) });
    await this.persist(agentId);
    return id;
  }

  async restore(agentId: string, checkpointId: string): Promise<AgentMemory> {
    const agent = await this.agent(agentId);
    const saved = isCheckpointId(checkpointId)
      ? agent?.checkpoints.find((checkpoint) => checkpoint.id === checkpointId)
      : undefined;
    if (agent === undefined || saved === undefined) {
      throw new UnknownCheckpointError(agentId, checkpointId);
    }
    agent.memory = structuredClone(saved.memory);
    await this.persist(agentId);
    return structuredClone(saved.memory);
  }

  async listCheckpoints(agentId: string): Promise<string[]> {
    const agent = await this.agent(agentId);
    return agent?.checkpoints.map((checkpoint) => checkpoint.id) ?? [];
  }

  async wipe(agentId: string): Promise<void> {
    const agent = await this.agent(agentId);
    if (agent === undefined) return;
    agent.memory = wipeMemory(agent.memory);
    await this.persist(agentId);
  }

  async wipeAll(): Promise<string[]> {
    const agentIds = await this.listAgents();
    for (const agentId of agentIds) await this.wipe(agentId);
    return agentIds;
  }

  async listAgents(): Promise<string[]> {
    await this.loaded();
    return [...this.agents.keys()].sort();
  }

  /** The agent's live record, with expired checkpoints dropped. */
  private async agent(agentId: string): Promise<AgentFile | undefined> {
    assertAgentId(agentId);
    await this.loaded();
    const agent = this.agents.get(agentId);
    if (agent === undefined) return undefined;
    const now = this.now();
    agent.checkpoints = agent.checkpoints.filter((checkpoint) => checkpoint.expires_at > now);
    return agent;
  }

  private loaded(): Promise<void> {
    const { directory } = this;
    if (directory === undefined) return Promise.resolve();
    this.loading ??= readAgentFiles(directory).then((agents) => {
      this.agents = agents;
    });
    return this.loading;
  }

  /** Writes the agent's file; writes run one at a time, each with the state current when it runs. */
  private persist(agentId: string): Promise<void> {
    const { directory } = this;
    if (directory === undefined) return Promise.resolve();
    const write = this.writing.then(() => {
      const agent = this.agents.get(agentId);
      return agent ? writeAgentFile(directory, agentId, agent) : undefined;
    });
    this.writing = write.catch(() => {});
    return write;
  }
}

/** Creates the in-process MemoryStore. Throws ConfigError on a bad setting. */
export function createInMemoryMemoryStore(
  options: InMemoryMemoryStoreOptions = {},
): InMemoryMemoryStore {
  return new InMemoryMemoryStore(options);
}
