import type { TaskBus } from '@codegod/bus';
import type { MemoryStore } from '@codegod/memory';
import type { ReportStore, RunWorkspaces } from '@codegod/orchestrator';
import type { TokenMeter } from '@codegod/protocol';

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
