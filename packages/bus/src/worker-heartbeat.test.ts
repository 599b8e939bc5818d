import { describe, expect, it } from 'vitest';
import { type AgentStatusRegistry, InMemoryAgentStatusRegistry } from './agent-status.js';
import { startWorkerHeartbeat } from './worker-heartbeat.js';

describe('startWorkerHeartbeat', () => {
  it('reports idle, busy with the task, stopping, and leaves the registry on stop', async () => {
    const registry = new InMemoryAgentStatusRegistry(60_000);
    let current: string | null = null;
    const heartbeat = await startWorkerHeartbeat({
      registry,
      agentId: 'backend-1',
      role: 'backend',
      current: () => current,
      periodMs: 60_000,
      flipMs: 0,
      onError: (error) => {
        throw error;
      },
    });
    const seen = async () => (await registry.list())[0];
    expect(await seen()).toMatchObject({
      agent_id: 'backend-1',
      state: 'idle',
      current_task: null,
    });
    current = 'run-1/a';
    heartbeat.changed();
    await expect.poll(seen).toMatchObject({ state: 'busy', current_task: 'run-1/a' });
    await heartbeat.stopping();
    expect(await seen()).toMatchObject({ state: 'stopping' });
    await heartbeat.stop();
    heartbeat.changed();
    expect(await registry.list()).toEqual([]);
  });

  it('beats on a flip only once per flipMs, and not at all when nothing flipped', async () => {
    const beats: string[] = [];
    const counting: AgentStatusRegistry = {
      beat: async (status) => void beats.push(status.state),
      remove: async () => {},
      list: async () => [],
    };
    let current: string | null = null;
    const heartbeat = await startWorkerHeartbeat({
      registry: counting,
      agentId: 'backend-1',
      role: 'backend',
      current: () => current,
      periodMs: 60_000,
      flipMs: 20,
      onError: () => {},
    });
    for (let i = 0; i < 50; i++) {
      current = i % 2 === 0 ? 'run-1/a' : null;
      heartbeat.changed();
    }
    current = 'run-1/a';
    heartbeat.changed();
    await expect.poll(() => beats).toEqual(['idle', 'busy']);
    current = 'run-1/b';
    heartbeat.changed();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(beats).toEqual(['idle', 'busy']);
    await heartbeat.stop();
  });
});
