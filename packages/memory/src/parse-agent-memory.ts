import { type AgentMemory, agentMemorySchema } from '@codegod/protocol';
import { MemoryCorruptError } from './errors/memory-corrupt-error.js';

/** Parses memory read back from storage; throws MemoryCorruptError naming `location`. */
export function parseAgentMemory(value: unknown, location: string): AgentMemory {
  const parsed = agentMemorySchema.safeParse(value);
  if (!parsed.success) {
    const problem = parsed.error.issues
      .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
      .join('; ');
    throw new MemoryCorruptError(location, problem, parsed.error);
  }
  return parsed.data;
}

/** Parses one stored JSON text; throws MemoryCorruptError naming `location`. */
export function parseJsonText(text: string, location: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new MemoryCorruptError(location, 'not valid JSON', error);
  }
}
