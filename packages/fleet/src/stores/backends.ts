import {
  createInProcessTaskBus,
  type InProcessTaskBus,
  type InProcessTaskBusOptions,
  type TaskBus,
} from '@codegod/bus';
import { InMemoryTokenMeter } from '@codegod/llm';
import { createInMemoryMemoryStore, type MemoryStore } from '@codegod/memory';
import type { ReportStore, RunWorkspaces } from '@codegod/orchestrator';
import type { TokenMeter } from '@codegod/protocol';
import { InMemoryReportStore } from './report-store.js';
import { InMemoryRunWorkspaces } from './run-workspaces.js';

// The Redis backend is in a module of its own, so the CLI's fleet commands load it without the
// in-process one's LLM package (fleet-client.ts).
export * from './redis-backend.js';

/**
 * Every store a codegod process works over, each behind its port: the task bus, agent memory,
 * run reports, run workspaces and token accounting. The master, the workers and the CLI take
 * one of these and never open a store themselves.
 */
export interface FleetBackend {
  bus: TaskBus;
  memory: MemoryStore;
  reports: ReportStore;
  workspaces: RunWorkspaces;
  tokens: TokenMeter;
  /** Closes what the backend opened. */
  close(): Promise<void>;
}

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
