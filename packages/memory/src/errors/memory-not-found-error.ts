import { CodegodError } from '@codegod/protocol';

/** An operation needs an agent's memory, and the agent has none. */
export class MemoryNotFoundError extends CodegodError {
  /** The agent without a memory. */
  readonly agentId: string;

  constructor(agentId: string, operation: string) {
    super(
      'memory-not-found',
      `Cannot ${operation}: agent "${agentId}" has no memory. Save one first (the agent does on its first task).`,
    );
    this.agentId = agentId;
  }
}
