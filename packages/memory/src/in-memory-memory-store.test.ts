import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { emptyAgentMemory } from '@codegod/protocol';
import { tempDir } from '@codegod/testkit';
import { describe, expect, it } from 'vitest';
import { createInMemoryMemoryStore } from './in-memory-memory-store.js';
import { memoryStoreConformance, richAgentMemory } from './testing/index.js';

memoryStoreConformance('InMemoryMemoryStore', async () => ({
  store: createInMemoryMemoryStore(),
}));

memoryStoreConformance('InMemoryMemoryStore backed by files', async () => {
  const directory = await tempDir('codegod-memory-');
  return {
    store: createInMemoryMemoryStore({ directory: directory.path }),
    close: directory.remove,
  };
});

describe('InMemoryMemoryStore', () => {
  it('expires checkpoints on its clock', async () => {
    let now = 1_000;
    const store = createInMemoryMemoryStore({ checkpointTtlSeconds: 60, now: () => now });
    await store.save('agent-1', emptyAgentMemory('backend'));
    const id = await store.checkpoint('agent-1');
    now += 59_999;
    expect(await store.listCheckpoints('agent-1')).toEqual([id]);
    now += 1;
    expect(await store.listCheckpoints('agent-1')).toEqual([]);
  });

  it('rejects a bad TTL setting at construction, naming the option', () => {
    expect(() => createInMemoryMemoryStore({ checkpointTtlSeconds: -1 })).toThrow(
      /^Invalid setting checkpointTtlSeconds: expected at least 0\.001 seconds \(got -1\)$/,
    );
  });

  it('rejects a bad TTL of one checkpoint, naming the option', async () => {
    const store = createInMemoryMemoryStore();
    await store.save('agent-1', emptyAgentMemory('backend'));
    await expect(store.checkpoint('agent-1', { ttlSeconds: Number.NaN })).rejects.toThrow(
      /^Invalid setting ttlSeconds: .*\(got NaN\)$/,
    );
  });

  it('keeps memory and checkpoints across a restart when backed by files', async () => {
    const directory = await tempDir('codegod-memory-');
    try {
      const first = createInMemoryMemoryStore({ directory: directory.path });
      await first.save('agent-a', richAgentMemory());
      const id = await first.checkpoint('agent-a');
      await first.wipe('agent-a');
      const second = createInMemoryMemoryStore({ directory: directory.path });
      expect(await second.listAgents()).toEqual(['agent-a']);
      expect(await second.listCheckpoints('agent-a')).toEqual([id]);
      expect((await second.load('agent-a'))?.completed_tasks).toEqual([]);
      expect(await second.restore('agent-a', id)).toStrictEqual(richAgentMemory());
    } finally {
      await directory.remove();
    }
  });

  it('reports a corrupt file clearly', async () => {
    const directory = await tempDir('codegod-memory-');
    try {
      await writeFile(
        join(directory.path, 'agent-b.json'),
        JSON.stringify({ memory: { agent_role: 'wizard' }, checkpoints: [] }),
      );
      const store = createInMemoryMemoryStore({ directory: directory.path });
      await expect(store.load('agent-b')).rejects.toMatchObject({
        code: 'memory-corrupt',
        message: expect.stringContaining('agent-b.json'),
      });
    } finally {
      await directory.remove();
    }
  });
});
