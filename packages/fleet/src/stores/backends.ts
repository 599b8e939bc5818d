import {
  createInProcessTaskBus,
  type InProcessTaskBus,
  type InProcessTaskBusOptions,
} from '@codegod/bus';
import { InMemoryTokenMeter } from '@codegod/llm';
import { createInMemoryMemoryStore } from '@codegod/memory';
import type { FleetBackend } from './fleet-backend.js';
import { InMemoryReportStore } from './report-store.js';
import { InMemoryRunWorkspaces } from './run-workspaces.js';

// The Redis backend is in a module of its own, so the CLI's fleet commands load it without the
// in-process one's LLM package (fleet-client.ts).
export * from './fleet-backend.js';
export * from './redis-backend.js';

/** The in-process backend (embedded mode, tests): nothing outlives the process. */
export interface MemoryBackend extends FleetBackend {
  bus: InProcessTaskBus;
  reports: InMemoryReportStore;
  workspaces: InMemoryRunWorkspaces;
  tokens: InMemoryTokenMeter;
}

/** Makes the in-process backend. `bus` sets the in-process bus's attempts and backoff. */
export function memoryBackend(options: { bus?: InProcessTaskBusOptions } = {}): MemoryBackend {
  const bus = createInProcessTaskBus(options.bus ?? {});
  return {
    bus,
    memory: createInMemoryMemoryStore(),
    reports: new InMemoryReportStore(),
    workspaces: new InMemoryRunWorkspaces(),
    tokens: new InMemoryTokenMeter(),
    close: () => bus.close(),
  };
}
