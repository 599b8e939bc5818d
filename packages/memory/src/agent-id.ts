import { InvalidAgentIdError } from './errors/invalid-agent-id-error.js';

// Safe inside Redis keys (no `:`) and file names (no `/`).
const AGENT_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Returns `agentId` when it can name memory keys and files; throws InvalidAgentIdError otherwise. */
export function assertAgentId(agentId: string): string {
  if (typeof agentId !== 'string' || !AGENT_ID.test(agentId))
    throw new InvalidAgentIdError(agentId);
  return agentId;
}

/** Checkpoint ids are UUIDs; anything else cannot name a checkpoint a store made. */
export function isCheckpointId(checkpointId: string): boolean {
  return typeof checkpointId === 'string' && UUID.test(checkpointId);
}
