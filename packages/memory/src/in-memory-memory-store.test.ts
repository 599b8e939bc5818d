import { emptyAgentMemory } from '@codegod/protocol';
import { describe, expect, it } from 'vitest';
import { createInMemoryMemoryStore } from './in-memory-memory-store.js';
import { memoryStoreConformance } from './testing/index.js';

memoryStoreConformance('InMemoryMemoryStore', async () => ({
  store: createInMemoryMemoryStore(),
}));

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
      /checkpointTtlSeconds/,
    );
  });
});
