import { KEY_PREFIX, redisKeys } from '@codegod/protocol';

/** The Redis keys of the memory store: the protocol's two plus the indexes it needs. */
export const memoryRedisKeys = {
  /** Hash with the AgentMemory fields of one agent, each JSON-encoded. */
  memory: redisKeys.memory,
  /** Hash with one saved memory; it expires with the checkpoint's TTL. */
  checkpoint: redisKeys.checkpoint,
  /** Sorted set of an agent's checkpoint ids, scored in creation order. */
  checkpoints: (agentId: string) => `${KEY_PREFIX}:checkpoints:${agentId}`,
  /** Set of the ids of every agent that has a memory, so wipeAll needs no KEYS scan. */
  agents: () => `${KEY_PREFIX}:memory-agents`,
} as const;
