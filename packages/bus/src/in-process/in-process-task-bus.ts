import { type Result, type RunEvent, resultSchema, type WorkerRole } from '@codegod/protocol';
import { type AgentStatus, InMemoryAgentStatusRegistry } from '../agent-status.js';
import { RunExistsError } from '../errors/run-exists-error.js';
import { snapshotFromCore } from '../run-snapshot.js';
import { intSetting, resolveSettings } from '../settings.js';
import type {
  RunExtension,
  RunSnapshot,
  RunSpec,
  TaskBus,
  TaskHandler,
  WorkerHandle,
  WorkOptions,
} from '../task-bus.js';
import type { TaskMetrics } from '../task-metrics.js';
import { type RunPeek, waitForRunState } from '../wait-for-run.js';
import { InProcessRunStore } from './in-process-run-store.js';
import { InProcessScheduler } from './in-process-scheduler.js';
import { startInProcessWorker } from './in-process-worker.js';
import { RoleQueues } from './role-queues.js';

/** Settings of the in-process bus. */
export interface InProcessTaskBusOptions {
  /** Attempts per task, counting the first. Env `CODEGOD_TASK_ATTEMPTS`. Default: 3. */
  attempts?: number;
  /** Delay before the 2nd attempt, doubling after. Env `CODEGOD_TASK_BACKOFF_MS`. Default: 200. */
  backoffMs?: number;
  /** A worker heartbeat older than this is dead. Env `CODEGOD_AGENT_TTL_MS`. Default: 30000. */
  agentTtlMs?: number;
  /**
   * Finished runs kept for getRun and readEvents, newest first; older ones are forgotten so a
   * long-lived process stays flat (their reports live in the report store). Env
   * `CODEGOD_KEEP_FINISHED_RUNS`. Default: 32.
   */
  keepFinishedRuns?: number;
  /** Where settings not given as options are read from. Default: `process.env`. */
  env?: Record<string, string | undefined>;
}

const SETTINGS = {
  attempts: { env: 'CODEGOD_TASK_ATTEMPTS', schema: intSetting(1, 3) },
  backoffMs: { env: 'CODEGOD_TASK_BACKOFF_MS', schema: intSetting(0, 200) },
  agentTtlMs: { env: 'CODEGOD_AGENT_TTL_MS', schema: intSetting(1, 30_000) },
  keepFinishedRuns: { env: 'CODEGOD_KEEP_FINISHED_RUNS', schema: intSetting(1, 32) },
};

/** Creates the in-process bus: embedded mode and fast tests. Throws ConfigError on bad settings. */
export function createInProcessTaskBus(options: InProcessTaskBusOptions = {}): InProcessTaskBus {
  return new InProcessTaskBus(options);
}

/**
 * The reference TaskBus: the scheduler, the per-role queues and the workers share one
 * process. Retries use exponential backoff; cancellation aborts running handlers.
 */
export class InProcessTaskBus implements TaskBus {
  private readonly settings: ReturnType<typeof resolveSettings<typeof SETTINGS>>;
  private readonly store: InProcessRunStore;
  private readonly queues = new RoleQueues();
  private readonly scheduler: InProcessScheduler;
  private readonly registry: InMemoryAgentStatusRegistry;
  private readonly workers = new Set<WorkerHandle>();

  constructor(options: InProcessTaskBusOptions = {}) {
    this.settings = resolveSettings(SETTINGS, options, options.env ?? process.env);
    this.registry = new InMemoryAgentStatusRegistry(this.settings.agentTtlMs);
    this.store = new InProcessRunStore(this.settings.keepFinishedRuns);
    this.scheduler = new InProcessScheduler(this.store, this.queues, this.settings.backoffMs);
  }

  async startRun(spec: RunSpec): Promise<void> {
    if (this.store.has(spec.runId)) throw new RunExistsError(spec.runId);
    this.scheduler.start(spec);
  }

  async extendRun(runId: string, extension: RunExtension): Promise<void> {
    this.scheduler.extend(runId, extension);
  }

  async finishRun(
    runId: string,
    state: 'succeeded' | 'failed' | 'cancelled',
    reason: string,
  ): Promise<void> {
    this.scheduler.finish(runId, state, reason);
  }

  async cancelRun(runId: string, reason: string): Promise<void> {
    await this.finishRun(runId, 'cancelled', reason);
  }

  async getRun(runId: string): Promise<RunSnapshot | undefined> {
    const run = this.store.get(runId);
    return run && snapshotFromCore(run, run.core, (id) => run.timings.get(id));
  }

  async listRuns() {
    return this.store
      .all()
      .map((run) => {
        const { state, reason } = run.core.status();
        const item = { runId: run.runId, problem: run.problem, state, reason };
        return { ...item, createdAt: run.createdAt, endedAt: run.endedAt };
      })
      .reverse()
      .sort((a, b) => b.createdAt - a.createdAt);
  }

  async appendEvent(event: RunEvent): Promise<void> {
    this.store.mustGet(event.run_id);
    this.store.append(event);
  }

  async readEvents(runId: string): Promise<RunEvent[]> {
    return [...(this.store.get(runId)?.events ?? [])];
  }

  subscribe(listener: (event: RunEvent) => void): () => void {
    return this.store.subscribe(listener);
  }

  tailEvents(runId: string, listener: (event: RunEvent) => void): () => void {
    return this.store.tail(runId, listener);
  }

  async eventCount(runId: string): Promise<number> {
    return this.store.get(runId)?.events.length ?? 0;
  }

  waitForRun(
    runId: string,
    options: { signal?: AbortSignal; untilReplan?: boolean } = {},
  ): Promise<RunSnapshot> {
    // A task end reads the run's state from its core, not a snapshot of every task.
    const peek = async (id: string): Promise<RunPeek | undefined> => {
      const status = this.store.get(id)?.core.status();
      return (
        status && {
          state: status.state,
          awaitingMaster: status.awaitingReplan || status.awaitingAcceptance,
        }
      );
    };
    return waitForRunState(this, runId, { ...options, peek });
  }

  async work(role: WorkerRole, handler: TaskHandler, options: WorkOptions = {}) {
    const context = {
      queues: this.queues,
      scheduler: this.scheduler,
      registry: this.registry,
      attempts: this.settings.attempts,
      heartbeatMs: Math.max(1, Math.floor(this.settings.agentTtlMs / 3)),
    };
    const worker = await startInProcessWorker(context, role, handler, options);
    this.workers.add(worker);
    const handle: WorkerHandle = {
      agentId: worker.agentId,
      close: async (closeOptions) => {
        await worker.close(closeOptions);
        this.workers.delete(worker);
      },
    };
    return handle;
  }

  /**
   * Records a task's result as a worker does; the first completion wins. Returns false when
   * the result was ignored. Exposed for tests that simulate a second worker finishing.
   */
  async recordResult(runId: string, taskId: string, result: Result, agentId: string) {
    return this.scheduler.recordResult(runId, taskId, resultSchema.parse(result), agentId);
  }

  async metrics(): Promise<TaskMetrics> {
    return this.scheduler.metrics();
  }

  async agents(): Promise<AgentStatus[]> {
    return this.registry.list();
  }

  async close(): Promise<void> {
    this.scheduler.close();
    await Promise.all([...this.workers].map((worker) => worker.close({ force: true })));
  }
}
