import { InMemoryRunFactStore } from './in-memory-run-fact-store.js';
import { runFactStoreConformance } from './testing/index.js';

runFactStoreConformance('InMemoryRunFactStore', async () => ({
  store: new InMemoryRunFactStore(),
  close: async () => {},
}));
