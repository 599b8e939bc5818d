import type { RunFact } from '@codegod/protocol';
import { describe, expect, it } from 'vitest';
import { InMemoryRunFactStore } from './in-memory-run-fact-store.js';
import { runFactStoreConformance } from './testing/index.js';

runFactStoreConformance('InMemoryRunFactStore', async () => ({
  store: new InMemoryRunFactStore(),
  close: async () => {},
}));

describe('InMemoryRunFactStore bound', () => {
  const fact = (name: string): RunFact => ({
    name,
    value: 'v',
    found_by: 'backend-1',
    role: 'backend',
    task_id: 't1',
    found_at: 1,
  });

  it('keeps only the keepRuns runs used most recently', async () => {
    const store = new InMemoryRunFactStore({ keepRuns: 2 });
    await store.record('run-1', [fact('a')]);
    await store.record('run-2', [fact('b')]);
    await store.list('run-1'); // run-1 is now the most recent
    await store.record('run-3', [fact('c')]);
    expect((await store.list('run-1')).map((f) => f.name)).toEqual(['a']);
    expect(await store.list('run-2')).toEqual([]);
    expect((await store.list('run-3')).map((f) => f.name)).toEqual(['c']);
  });
});
