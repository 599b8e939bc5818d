import { roleSchema } from '@codegod/protocol';
import { z } from 'zod';

/** A worker's heartbeat, as stored in `codegod:agents:status` (seed field names). */
export const agentStatusSchema = z.object({
  agent_id: z.string().min(1),
  /** The worker's role, or `master` for the orchestrator service. */
  role: roleSchema,
  state: z.enum(['idle', 'busy', 'stopping']),
  /** `runId/taskId` of the task being run, or null. */
  current_task: z.string().nullable(),
  /** Milliseconds since the epoch of the last heartbeat. */
  last_seen: z.number().int().nonnegative(),
  pid: z.number().int().nonnegative(),
});
/** A worker's heartbeat. */
export type AgentStatus = z.infer<typeof agentStatusSchema>;

/** Where workers report heartbeats; entries older than the TTL count as dead and are pruned. */
export interface AgentStatusRegistry {
  /** Records a heartbeat (replacing the agent's previous one). */
  beat(status: AgentStatus): Promise<void>;
  /** Removes an agent that stopped cleanly. */
  remove(agentId: string): Promise<void>;
  /** Live agents; dead ones (last seen longer than the TTL ago) are pruned on the way. */
  list(): Promise<AgentStatus[]>;
}

/** A registry kept in memory, for embedded mode. */
export class InMemoryAgentStatusRegistry implements AgentStatusRegistry {
  private readonly entries = new Map<string, AgentStatus>();

  /** `ttlMs`: heartbeats older than this are dead. */
  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async beat(status: AgentStatus): Promise<void> {
    this.entries.set(status.agent_id, agentStatusSchema.parse(status));
  }

  async remove(agentId: string): Promise<void> {
    this.entries.delete(agentId);
  }

  async list(): Promise<AgentStatus[]> {
    const cutoff = this.now() - this.ttlMs;
    for (const [id, status] of this.entries) {
      if (status.last_seen < cutoff) this.entries.delete(id);
    }
    return [...this.entries.values()];
  }
}
