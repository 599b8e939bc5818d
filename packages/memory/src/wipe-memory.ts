import type { AgentMemory } from '@codegod/protocol';

/** The fields a wipe resets, and their reset values. Role and knowledge are kept on purpose. */
export const WIPED_FIELDS = {
  current_task: null,
  completed_tasks: [],
  observations: [],
  reasoning_history: [],
  blocked_on: null,
} as const satisfies Partial<AgentMemory>;

/** `memory` after a wipe: the role and the core knowledge survive, the working state does not. */
export function wipeMemory(memory: AgentMemory): AgentMemory {
  return { ...memory, ...structuredClone(WIPED_FIELDS) } as AgentMemory;
}
