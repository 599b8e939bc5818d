import type { AgentMemory } from '@codegod/protocol';

/** Settings for one checkpoint. */
export interface CheckpointOptions {
  /** Seconds until the checkpoint expires. Default: the store's `checkpointTtlSeconds`. */
  ttlSeconds?: number;
}

/**
 * The memory port: each agent's AgentMemory, with checkpoints and wipes.
 * Every adapter passes `memoryStoreConformance` from `@codegod/memory/testing`.
 */
export interface MemoryStore {
  /** The agent's memory, or undefined when it has none. */
  load(agentId: string): Promise<AgentMemory | undefined>;
  /** Replaces the agent's memory. */
  save(agentId: string, memory: AgentMemory): Promise<void>;
  /** Saves a copy of the current memory; returns its id. Throws when there is no memory. */
  checkpoint(agentId: string, options?: CheckpointOptions): Promise<string>;
  /** Makes the checkpoint the current memory and returns it; throws when it is unknown or expired. */
  restore(agentId: string, checkpointId: string): Promise<AgentMemory>;
  /** Checkpoint ids of the agent, oldest first. */
  listCheckpoints(agentId: string): Promise<string[]>;
  /**
   * Clears current task, completed tasks, observations, reasoning history and blocked_on;
   * keeps the role and knowledge. Does nothing for an unknown agent.
   */
  wipe(agentId: string): Promise<void>;
  /** Wipes every agent that has a memory; returns their ids. */
  wipeAll(): Promise<string[]>;
  /** Ids of every agent that has a memory. */
  listAgents(): Promise<string[]>;
}
