import { randomUUID } from 'node:crypto';
import type { AgentMemory } from '@codegod/protocol';
import { emptyAgentMemory } from '@codegod/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MemoryStore } from '../memory-store.js';

/** A store under test and how to release it. */
export interface MemoryStoreHarness {
  store: MemoryStore;
  /** Releases connections; runs after each test. */
  close?: () => Promise<void>;
}

const uniqueAgent = (label: string) => `${label}-${randomUUID()}`;

/** A memory with every field set, including nested knowledge. */
export function richAgentMemory(): AgentMemory {
  return {
    agent_role: 'backend',
    current_task: {
      id: 'fix-flask',
      description: 'Flask not found',
      role: 'backend',
      depends_on: ['setup'],
    },
    completed_tasks: ['setup-venv', 'write-app'],
    knowledge: {
      python: '3.11.7',
      index: { url: 'https://pypi.org/simple', offline: false, mirrors: ['a', 'b'] },
      limits: { retries: 3, ratio: 0.25, nothing: null },
    },
    observations: [
      { findings: ['flask missing'], venv_exists: true, nested: { depth: [1, { x: 'y' }] } },
    ],
    reasoning_history: [
      {
        problem_analysis: 'flask is not installed',
        root_causes: ['requirements never installed'],
        approach: 'pip install -r requirements.txt',
        risks: ['offline index'],
        success_criteria: ['import flask works'],
        conclusion: 'install it',
      },
    ],
    blocked_on: 'waiting for the package index',
  };
}

/** Polls `check` until it is true; fails the test after `timeoutMs` (a bound, not an assertion). */
async function eventually(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * The MemoryStore contract. Every adapter runs it:
 * `memoryStoreConformance('RedisMemoryStore', async () => ({ store, close }))`.
 */
export function memoryStoreConformance(name: string, factory: () => Promise<MemoryStoreHarness>) {
  describe(`MemoryStore conformance: ${name}`, () => {
    let harness: MemoryStoreHarness;
    let store: MemoryStore;
    beforeEach(async () => {
      harness = await factory();
      store = harness.store;
    });
    afterEach(async () => {
      await harness.close?.();
    });

    it('has no memory for an unknown agent, and loads back exactly what was saved', async () => {
      const agentId = uniqueAgent('load');
      expect(await store.load(agentId)).toBeUndefined();
      const memory = richAgentMemory();
      await store.save(agentId, memory);
      expect(await store.load(agentId)).toStrictEqual(memory);
      expect(await store.listAgents()).toContain(agentId);
    });

    it('replaces the whole memory on save and does not alias the caller', async () => {
      const agentId = uniqueAgent('save');
      const memory = richAgentMemory();
      await store.save(agentId, memory);
      memory.completed_tasks.push('mutated-after-save');
      const second = { ...emptyAgentMemory('frontend'), knowledge: { only: 'this' } };
      await store.save(agentId, second);
      const loaded = await store.load(agentId);
      expect(loaded).toStrictEqual(second);
      loaded!.completed_tasks.push('mutated-after-load');
      expect(await store.load(agentId)).toStrictEqual(second);
    });

    it('restores a checkpoint exactly, nested knowledge included', async () => {
      const agentId = uniqueAgent('restore');
      const memory = richAgentMemory();
      await store.save(agentId, memory);
      const checkpointId = await store.checkpoint(agentId);
      await store.save(agentId, { ...emptyAgentMemory('devops'), knowledge: { changed: true } });
      await store.wipe(agentId);
      expect(await store.restore(agentId, checkpointId)).toStrictEqual(memory);
      expect(await store.load(agentId)).toStrictEqual(memory);
      // The checkpoint survives a restore, so it can be restored again.
      expect(await store.listCheckpoints(agentId)).toEqual([checkpointId]);
    });

    it('lists checkpoints oldest first, per agent', async () => {
      const agentId = uniqueAgent('list');
      const other = uniqueAgent('list-other');
      await store.save(agentId, richAgentMemory());
      await store.save(other, richAgentMemory());
      const ids = [];
      for (let i = 0; i < 5; i++) ids.push(await store.checkpoint(agentId));
      const otherId = await store.checkpoint(other);
      expect(new Set(ids).size).toBe(5);
      expect(await store.listCheckpoints(agentId)).toEqual(ids);
      expect(await store.listCheckpoints(other)).toEqual([otherId]);
    });

    it('refuses to checkpoint an agent with no memory', async () => {
      await expect(store.checkpoint(uniqueAgent('none'))).rejects.toMatchObject({
        code: 'memory-not-found',
      });
    });

    it('rejects an unknown checkpoint with a clear error and leaves the memory alone', async () => {
      const agentId = uniqueAgent('unknown');
      const memory = richAgentMemory();
      await store.save(agentId, memory);
      for (const bogus of [randomUUID(), 'not-a-checkpoint', '']) {
        await expect(store.restore(agentId, bogus)).rejects.toMatchObject({
          code: 'memory-checkpoint-unknown',
          isRetryable: false,
        });
      }
      // A checkpoint of another agent is unknown to this one.
      const other = uniqueAgent('unknown-other');
      await store.save(other, emptyAgentMemory('testing'));
      const foreign = await store.checkpoint(other);
      await expect(store.restore(agentId, foreign)).rejects.toMatchObject({
        code: 'memory-checkpoint-unknown',
      });
      expect(await store.load(agentId)).toStrictEqual(memory);
    });

    it('expires checkpoints after their TTL and forgets them', async () => {
      const agentId = uniqueAgent('ttl');
      await store.save(agentId, richAgentMemory());
      const lasting = await store.checkpoint(agentId);
      const brief = await store.checkpoint(agentId, { ttlSeconds: 1 });
      await eventually(async () => !(await store.listCheckpoints(agentId)).includes(brief));
      await expect(store.restore(agentId, brief)).rejects.toMatchObject({
        code: 'memory-checkpoint-unknown',
      });
      expect(await store.listCheckpoints(agentId)).toEqual([lasting]);
      expect(await store.restore(agentId, lasting)).toStrictEqual(richAgentMemory());
    });

    it('rejects a non-positive TTL', async () => {
      const agentId = uniqueAgent('bad-ttl');
      await store.save(agentId, richAgentMemory());
      await expect(store.checkpoint(agentId, { ttlSeconds: 0 })).rejects.toMatchObject({
        code: 'config-invalid',
      });
    });

    it('wipes the working state and keeps the role and knowledge', async () => {
      const agentId = uniqueAgent('wipe');
      const memory = richAgentMemory();
      await store.save(agentId, memory);
      await store.wipe(agentId);
      expect(await store.load(agentId)).toStrictEqual({
        ...emptyAgentMemory(memory.agent_role),
        knowledge: memory.knowledge,
      });
      // Wiping an agent with no memory does nothing.
      const ghost = uniqueAgent('wipe-ghost');
      await store.wipe(ghost);
      expect(await store.load(ghost)).toBeUndefined();
      expect(await store.listAgents()).not.toContain(ghost);
    });

    it('wipes every agent of the fleet at once', async () => {
      const agents = [uniqueAgent('fleet-a'), uniqueAgent('fleet-b'), uniqueAgent('fleet-c')];
      for (const [i, agentId] of agents.entries()) {
        await store.save(agentId, { ...richAgentMemory(), knowledge: { index: i } });
      }
      const wiped = await store.wipeAll();
      expect(wiped).toEqual(expect.arrayContaining(agents));
      for (const [i, agentId] of agents.entries()) {
        expect(await store.load(agentId)).toStrictEqual({
          ...emptyAgentMemory('backend'),
          knowledge: { index: i },
        });
      }
    });

    it('rejects agent ids that cannot name a key', async () => {
      for (const bad of ['', 'a:b', '../etc', 'has space']) {
        await expect(store.load(bad)).rejects.toMatchObject({ code: 'memory-agent-id-invalid' });
      }
    });
  });
}
