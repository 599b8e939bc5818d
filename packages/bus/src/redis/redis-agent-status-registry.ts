import { redisKeys } from '@codegod/protocol';
import type { Redis } from 'ioredis';
import { type AgentStatus, type AgentStatusRegistry, agentStatusSchema } from '../agent-status.js';

/**
 * Heartbeats in the hash `codegod:agents:status` (agentId → JSON). Hash fields cannot
 * expire on their own (Redis < 7.4), so `list` prunes entries past the TTL, and unreadable ones.
 */
export class RedisAgentStatusRegistry implements AgentStatusRegistry {
  constructor(
    private readonly redis: Redis,
    private readonly ttlMs: number,
  ) {}

  async beat(status: AgentStatus): Promise<void> {
    await this.redis.hset(
      redisKeys.agentsStatus(),
      status.agent_id,
      JSON.stringify(agentStatusSchema.parse(status)),
    );
  }

  async remove(agentId: string): Promise<void> {
    await this.redis.hdel(redisKeys.agentsStatus(), agentId);
  }

  async list(): Promise<AgentStatus[]> {
    const entries = await this.redis.hgetall(redisKeys.agentsStatus());
    const cutoff = Date.now() - this.ttlMs;
    const live: AgentStatus[] = [];
    const dead: string[] = [];
    for (const [agentId, text] of Object.entries(entries)) {
      const parsed = agentStatusSchema.safeParse(parseJson(text));
      if (parsed.success && parsed.data.last_seen >= cutoff) live.push(parsed.data);
      else dead.push(agentId);
    }
    if (dead.length > 0) await this.redis.hdel(redisKeys.agentsStatus(), ...dead);
    return live.sort((a, b) => a.agent_id.localeCompare(b.agent_id));
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
