import { randomUUID } from 'node:crypto';
import { type Result, type RunEvent, resultSchema, type WorkerRole } from '@codegod/protocol';
import { type AgentStatus, InMemoryAgentStatusRegistry } from './agent-status.js';
import { RunExistsError } from './errors/run-exists-error.js';
import { RunNotFoundError } from './errors/run-not-found-error.js';
import { type RunMeta, snapshotFromCore, type TaskTimings } from './run-snapshot.js';
import { SchedulerCore, type SkippedTask } from './scheduler-core.js';
import { intSetting, resolveSettings } from './settings.js';
import type {
  RunExtension,
  RunSnapshot,
  RunSpec,
  TaskBus,
  TaskHandler,
  TaskJob,
  WorkerHandle,
  WorkOptions,
} from './task-bus.js';
import { backoffDelay, errorMessage, failureResult, isNonRetryable } from './task-failure.js';
import {
  emptyTaskMetrics,
  proofCounter,
  type TaskCounter,
  type TaskMetrics,
} from './task-metrics.js';
import { type RunPeek, waitForRunState } from './wait-for-run.js';

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

interface LocalRun extends RunMeta {
  core: SchedulerCore;
  events: RunEvent[];
  timings: Map<string, TaskTimings>;
  controllers: Map<string, AbortController>;
  replans: number;
}

interface LocalJob {
  runId: string;
  taskId: string;
  generation: number;
  attempt: number;
}

interface LocalWorker {
  agentId: string;
  role: WorkerRole;
  handler: TaskHandler;
  concurrency: number;
  running: Map<string, AbortController>;
  closing: boolean;
  /** Set once the worker left; a late heartbeat must not bring it back. */
  gone: boolean;
  idle: Set<() => void>;
}

/** Creates the in-process bus: embedded mode and fast tests. Throws ConfigError on bad settings. */
export function createInProcessTaskBus(options: InProcessTaskBusOptions = {}): InProcessTaskBus {
  return new InProcessTaskBus(options);
}

/**
 * The reference TaskBus: the scheduler, the per-role queues and the workers share one
 * process. Retries use exponential backoff; cancellation aborts running handlers.
 */
export class InProcessTaskBus implements TaskBus {
  private readonly settings: {
    attempts: number;
    backoffMs: number;
    agentTtlMs: number;
    keepFinishedRuns: number;
  };
  private readonly runs = new Map<string, LocalRun>();
  /** Ids of finished runs, oldest first: the ones forgotten first. */
  private readonly finished: string[] = [];
  private readonly queues = new Map<WorkerRole, LocalJob[]>();
  private readonly workers = new Map<WorkerRole, LocalWorker[]>();
  private readonly listeners = new Set<(event: RunEvent) => void>();
  private readonly counters = emptyTaskMetrics();
  private readonly registry: InMemoryAgentStatusRegistry;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(options: InProcessTaskBusOptions = {}) {
    this.settings = resolveSettings(SETTINGS, options, options.env ?? process.env);
    this.registry = new InMemoryAgentStatusRegistry(this.settings.agentTtlMs);
  }

  async startRun(spec: RunSpec): Promise<void> {
    if (this.runs.has(spec.runId)) throw new RunExistsError(spec.runId);
    const acceptance = spec.acceptance ?? [];
    const core = new SchedulerCore(spec.graph.tasks, {
      holdOnFailure: spec.holdOnFailure,
      holdOnSuccess: acceptance.length > 0,
    });
    const run: LocalRun = {
      runId: spec.runId,
      problem: spec.problem,
      acceptance,
      createdAt: Date.now(),
      core,
      events: [],
      timings: new Map(),
      controllers: new Map(),
      replans: 0,
    };
    this.runs.set(spec.runId, run);
    this.count('submitted', spec.graph.tasks.length);
    this.emit({
      type: 'run-start',
      run_id: run.runId,
      ts: run.createdAt,
      problem: spec.problem,
      task_count: spec.graph.tasks.length,
    });
    this.enqueueReady(run);
  }

  async extendRun(runId: string, extension: RunExtension): Promise<void> {
    const run = this.mustGet(runId);
    const { skipped } = run.core.extend(extension);
    run.replans++;
    this.count('submitted', extension.add.length + extension.retry.length);
    this.emit({
      type: 'replan',
      run_id: runId,
      ts: Date.now(),
      round: run.replans,
      reason: extension.reason,
    });
    this.emitSkips(run, skipped);
    this.enqueueReady(run);
    this.endIfDone(run);
  }

  async finishRun(
    runId: string,
    state: 'succeeded' | 'failed' | 'cancelled',
    reason: string,
  ): Promise<void> {
    const run = this.mustGet(runId);
    if (run.core.status().state !== 'running') return;
    for (const node of run.core.finish(state, reason)) {
      run.controllers.get(node.task.id)?.abort(new Error(reason));
      if (node.state === 'cancelled') this.count('cancelled', 1);
      else this.emitSkips(run, [{ taskId: node.task.id, reason }]);
    }
    for (const [role, queue] of this.queues) {
      this.queues.set(
        role,
        queue.filter((job) => job.runId !== runId),
      );
    }
    this.endIfDone(run);
  }

  async cancelRun(runId: string, reason: string): Promise<void> {
    await this.finishRun(runId, 'cancelled', reason);
  }

  async getRun(runId: string): Promise<RunSnapshot | undefined> {
    const run = this.runs.get(runId);
    return run && snapshotFromCore(run, run.core, (id) => run.timings.get(id));
  }

  async listRuns() {
    return [...this.runs.values()]
      .map((run) => {
        const { state, reason } = run.core.status();
        const item = { runId: run.runId, problem: run.problem, state, reason };
        return { ...item, createdAt: run.createdAt, endedAt: run.endedAt };
      })
      .reverse()
      .sort((a, b) => b.createdAt - a.createdAt);
  }

  async appendEvent(event: RunEvent): Promise<void> {
    this.mustGet(event.run_id);
    this.emit(event);
  }

  async readEvents(runId: string): Promise<RunEvent[]> {
    return [...(this.runs.get(runId)?.events ?? [])];
  }

  subscribe(listener: (event: RunEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  waitForRun(
    runId: string,
    options: { signal?: AbortSignal; untilReplan?: boolean } = {},
  ): Promise<RunSnapshot> {
    // A task end reads the run's state from its core, not a snapshot of every task.
    const peek = async (id: string): Promise<RunPeek | undefined> => {
      const status = this.runs.get(id)?.core.status();
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
    const worker: LocalWorker = {
      agentId: options.agentId ?? `${role}-${randomUUID().slice(0, 8)}`,
      role,
      handler,
      concurrency: Math.max(1, options.concurrency ?? 1),
      running: new Map(),
      closing: false,
      gone: false,
      idle: new Set(),
    };
    this.workers.set(role, [...(this.workers.get(role) ?? []), worker]);
    await this.beat(worker);
    this.dispatch(role);
    const handle: WorkerHandle = {
      agentId: worker.agentId,
      close: (closeOptions) => this.closeWorker(worker, closeOptions?.force ?? false),
    };
    return handle;
  }

  /**
   * Records a task's result as a worker does; the first completion wins. Returns false when
   * the result was ignored. Exposed for tests that simulate a second worker finishing.
   */
  async recordResult(runId: string, taskId: string, result: Result, agentId: string) {
    const run = this.mustGet(runId);
    const generation = run.core.get(taskId)?.generation ?? 0;
    return this.record(run, taskId, generation, resultSchema.parse(result), agentId);
  }

  async metrics(): Promise<TaskMetrics> {
    return { ...this.counters };
  }

  async agents(): Promise<AgentStatus[]> {
    return this.registry.list();
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    const all = [...this.workers.values()].flat();
    await Promise.all(all.map((worker) => this.closeWorker(worker, true)));
  }

  private mustGet(runId: string): LocalRun {
    const run = this.runs.get(runId);
    if (!run) throw new RunNotFoundError(runId);
    return run;
  }

  private count(counter: TaskCounter, by: number): void {
    this.counters[counter] += by;
  }

  private emit(event: RunEvent): void {
    this.runs.get(event.run_id)?.events.push(event);
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A listener's bug must not stop the scheduler.
      }
    }
  }

  private emitSkips(run: LocalRun, skipped: SkippedTask[]): void {
    for (const { taskId, reason } of skipped) {
      const role = run.core.get(taskId)!.task.role;
      this.count('skipped', 1);
      this.emit({
        type: 'task-skip',
        run_id: run.runId,
        ts: Date.now(),
        task_id: taskId,
        role,
        reason,
      });
    }
  }

  private enqueueReady(run: LocalRun): void {
    const ready = run.core.ready();
    run.core.markQueued(ready.map((t) => t.id));
    const roles = new Set<WorkerRole>();
    for (const task of ready) {
      const generation = run.core.get(task.id)!.generation;
      run.timings.set(task.id, { attempts: 0, queuedAt: Date.now() });
      this.push({ runId: run.runId, taskId: task.id, generation, attempt: 1 }, task.role);
      roles.add(task.role);
      this.emit({
        type: 'task-queue',
        run_id: run.runId,
        ts: Date.now(),
        task_id: task.id,
        role: task.role,
      });
    }
    for (const role of roles) this.dispatch(role);
  }

  private push(job: LocalJob, role: WorkerRole): void {
    const queue = this.queues.get(role) ?? [];
    queue.push(job);
    this.queues.set(role, queue);
  }

  private dispatch(role: WorkerRole): void {
    const queue = this.queues.get(role) ?? [];
    for (const worker of this.workers.get(role) ?? []) {
      while (!worker.closing && worker.running.size < worker.concurrency && queue.length > 0) {
        void this.runJob(worker, queue.shift()!);
      }
    }
  }

  private async runJob(worker: LocalWorker, job: LocalJob): Promise<void> {
    const run = this.runs.get(job.runId);
    const node = run?.core.get(job.taskId);
    if (
      !run ||
      !node ||
      node.generation !== job.generation ||
      run.core.status().state !== 'running'
    )
      return;
    if (node.state !== 'queued' && node.state !== 'running') return;
    const key = `${job.runId}/${job.taskId}`;
    const controller = new AbortController();
    worker.running.set(key, controller);
    run.controllers.set(job.taskId, controller);
    run.core.markRunning(job.taskId);
    const timing = run.timings.get(job.taskId) ?? { attempts: 0 };
    run.timings.set(job.taskId, { ...timing, attempts: job.attempt, startedAt: Date.now() });
    const { role } = node.task;
    this.emit({
      type: 'task-start',
      run_id: job.runId,
      ts: Date.now(),
      task_id: job.taskId,
      role,
      agent_id: worker.agentId,
      attempt: job.attempt,
    });
    void this.beat(worker);
    const taskJob: TaskJob = {
      runId: job.runId,
      task: node.task,
      attempt: job.attempt,
      dependencies: Object.fromEntries(
        node.task.depends_on.map((id) => [id, run.core.get(id)!.result!]),
      ),
    };
    try {
      const result = resultSchema.parse(
        await worker.handler(taskJob, { signal: controller.signal, agentId: worker.agentId }),
      );
      if (!controller.signal.aborted)
        this.record(run, job.taskId, job.generation, result, worker.agentId);
    } catch (error) {
      if (!controller.signal.aborted) this.handleFailure(run, job, role, worker.agentId, error);
    } finally {
      worker.running.delete(key);
      if (run.controllers.get(job.taskId) === controller) run.controllers.delete(job.taskId);
      void this.beat(worker);
      if (worker.running.size === 0) for (const done of worker.idle) done();
      this.dispatch(role);
    }
  }

  private handleFailure(
    run: LocalRun,
    job: LocalJob,
    role: WorkerRole,
    agentId: string,
    error: unknown,
  ) {
    const message = errorMessage(error);
    if (isNonRetryable(error) || job.attempt >= this.settings.attempts) {
      const why = isNonRetryable(error)
        ? 'failed without retry'
        : `failed after ${job.attempt} attempts`;
      this.record(run, job.taskId, job.generation, failureResult(`${why}: ${message}`), agentId);
      return;
    }
    this.count('retried', 1);
    this.emit({
      type: 'task-retry',
      run_id: run.runId,
      ts: Date.now(),
      task_id: job.taskId,
      role,
      attempt: job.attempt + 1,
      reason: message,
    });
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        this.push({ ...job, attempt: job.attempt + 1 }, role);
        this.dispatch(role);
      },
      backoffDelay(this.settings.backoffMs, job.attempt),
    );
    this.timers.add(timer);
  }

  private record(
    run: LocalRun,
    taskId: string,
    generation: number,
    result: Result,
    agentId: string,
  ) {
    const node = run.core.get(taskId);
    if (!node || node.generation !== generation) return false;
    const outcome = run.core.recordResult(taskId, result, agentId);
    if (!outcome.accepted) return false;
    const timing = run.timings.get(taskId) ?? { attempts: 1 };
    run.timings.set(taskId, { ...timing, endedAt: Date.now() });
    this.count(result.success ? 'completed' : 'failed', 1);
    const proof = proofCounter(result);
    if (proof) this.count(proof, 1);
    this.emit({
      type: 'task-end',
      run_id: run.runId,
      ts: Date.now(),
      task_id: taskId,
      role: node.task.role,
      agent_id: agentId,
      success: result.success,
      result,
    });
    this.emitSkips(run, outcome.skipped);
    this.enqueueReady(run);
    this.endIfDone(run);
    return true;
  }

  private endIfDone(run: LocalRun): void {
    const { state, reason } = run.core.status();
    if (state === 'running' || run.endedAt !== undefined) return;
    run.endedAt = Date.now();
    this.emit({ type: 'run-end', run_id: run.runId, ts: run.endedAt, state, reason });
    this.finished.push(run.runId);
    while (this.finished.length > this.settings.keepFinishedRuns) {
      this.runs.delete(this.finished.shift() as string);
    }
  }

  private async beat(worker: LocalWorker): Promise<void> {
    if (worker.gone) return;
    const [first] = worker.running.keys();
    await this.registry.beat({
      agent_id: worker.agentId,
      role: worker.role,
      state: worker.closing ? 'stopping' : first ? 'busy' : 'idle',
      current_task: first ?? null,
      last_seen: Date.now(),
      pid: process.pid,
    });
  }

  private async closeWorker(worker: LocalWorker, force: boolean): Promise<void> {
    if (!worker.closing) {
      worker.closing = true;
      await this.beat(worker);
    }
    if (force) {
      // Hand running tasks back: abort them and requeue at the front with the same attempt.
      for (const [key, controller] of worker.running) {
        controller.abort(new Error('worker shut down'));
        const [runId, taskId] = key.split('/') as [string, string];
        const run = this.runs.get(runId);
        const node = run?.core.get(taskId);
        if (run && node && node.state === 'running' && run.core.status().state === 'running') {
          const attempt = run.timings.get(taskId)?.attempts ?? 1;
          const queue = this.queues.get(worker.role) ?? [];
          queue.unshift({ runId, taskId, generation: node.generation, attempt });
          this.queues.set(worker.role, queue);
        }
      }
    }
    // A forced close does not wait: the tasks are already back on the queue.
    if (!force && worker.running.size > 0) {
      await new Promise<void>((resolve) => worker.idle.add(resolve));
    }
    this.workers.set(
      worker.role,
      (this.workers.get(worker.role) ?? []).filter((w) => w !== worker),
    );
    worker.gone = true;
    await this.registry.remove(worker.agentId);
    this.dispatch(worker.role);
  }
}
