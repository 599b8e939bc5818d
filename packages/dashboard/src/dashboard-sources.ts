import type { TaskBus } from '@codegod/bus';
import type { MemoryStore } from '@codegod/memory';

/** Tokens a run spent, in total and per role. */
export interface RunTokenUsage {
  total: number;
  by_role: Record<string, number>;
}

/**
 * What the dashboard reads and changes, all through the fleet's ports: the task bus (runs,
 * events, heartbeats, counters), the memory store (view, checkpoint, restore, wipe) and the
 * token ledger. The same sources serve the embedded fleet and the master.
 */
export interface DashboardSources {
  bus: Pick<
    TaskBus,
    | 'listRuns'
    | 'getRun'
    | 'readEvents'
    | 'subscribe'
    | 'tailEvents'
    | 'eventCount'
    | 'agents'
    | 'metrics'
  >;
  memory: Pick<
    MemoryStore,
    'load' | 'listAgents' | 'wipe' | 'checkpoint' | 'restore' | 'listCheckpoints'
  >;
  /** Tokens of a run. Default: not shown. */
  tokenUsage?: (runId: string) => Promise<RunTokenUsage>;
}
