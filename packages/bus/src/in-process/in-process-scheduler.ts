import type { Result, WorkerRole } from '@codegod/protocol';
import {
  replanEvent,
  runEndEvent,
  runStartEvent,
  taskEndEvent,
  taskQueueEvent,
  taskSkipEvent,
  taskStartEvent,
} from '../run-events.js';
import { SchedulerCore, type SkippedTask } from '../scheduler-core.js';
import type { Settlement } from '../settle-attempt.js';
import type { RunExtension, RunSpec, TaskJob } from '../task-bus.js';
import { backoffDelay } from '../task-failure.js';
import {
  emptyTaskMetrics,
  proofCounter,
  type TaskCounter,
  type TaskMetrics,
} from '../task-metrics.js';
import type { InProcessRunStore, LocalRun } from './in-process-run-store.js';
import type { LocalJob, RoleQueues } from './role-queues.js';

/** An attempt a worker may run. */
export interface BegunAttempt {
  job: TaskJob;
  role: WorkerRole;
  controller: AbortController;
}

/**
 * The in-process bus's scheduler: turns each run's core into queued jobs, records results
 * (the first completion wins), retries with exponential backoff, and ends runs.
 */
export class InProcessScheduler {
  private readonly counters = emptyTaskMetrics();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly store: InProcessRunStore,
    private readonly queues: RoleQueues,
    private readonly backoffMs: number,
  ) {}

  /** Records a new run (the caller checked its id is free) and queues its ready tasks. */
  start(spec: RunSpec): void {
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
    this.store.add(run);
    this.count('submitted', spec.graph.tasks.length);
    this.store.append(
      runStartEvent(run.runId, spec.problem, spec.graph.tasks.length, run.createdAt),
    );
    this.enqueueReady(run);
  }

  extend(runId: string, extension: RunExtension): void {
    const run = this.store.mustGet(runId);
    const { skipped } = run.core.extend(extension);
    run.replans++;
    this.count('submitted', extension.add.length + extension.retry.length);
    this.store.append(replanEvent(runId, run.replans, extension.reason));
    this.emitSkips(run, skipped);
    this.enqueueReady(run);
    this.endIfDone(run);
  }

  finish(runId: string, state: 'succeeded' | 'failed' | 'cancelled', reason: string): void {
    const run = this.store.mustGet(runId);
    if (run.core.status().state !== 'running') return;
    for (const node of run.core.finish(state, reason)) {
      run.controllers.get(node.task.id)?.abort(new Error(reason));
      if (node.state === 'cancelled') this.count('cancelled', 1);
      else this.emitSkips(run, [{ taskId: node.task.id, reason }]);
    }
    this.queues.dropRun(runId);
    this.endIfDone(run);
  }

  /** Records a result for the task's current generation; false when it was ignored. */
  recordResult(runId: string, taskId: string, result: Result, agentId: string): boolean {
    const run = this.store.mustGet(runId);
    const generation = run.core.get(taskId)?.generation ?? 0;
    return this.record(run, taskId, generation, result, agentId);
  }

  /** Starts an attempt of a queued job; undefined when the job is stale (run ended, replanned). */
  begin(job: LocalJob, agentId: string): BegunAttempt | undefined {
    const run = this.store.get(job.runId);
    const node = run?.core.get(job.taskId);
    if (!run || !node || node.generation !== job.generation) return undefined;
    if (run.core.status().state !== 'running') return undefined;
    if (node.state !== 'queued' && node.state !== 'running') return undefined;
    const controller = new AbortController();
    run.controllers.set(job.taskId, controller);
    run.core.markRunning(job.taskId);
    const timing = run.timings.get(job.taskId) ?? { attempts: 0 };
    run.timings.set(job.taskId, { ...timing, attempts: job.attempt, startedAt: Date.now() });
    this.store.append(taskStartEvent(job.runId, node.task, agentId, job.attempt));
    const dependencies = Object.fromEntries(
      node.task.depends_on.map((id) => [id, run.core.get(id)!.result!]),
    );
    return {
      job: { runId: job.runId, task: node.task, attempt: job.attempt, dependencies },
      role: node.task.role,
      controller,
    };
  }

  /** Applies a settled attempt: records the final Result, or queues the next attempt. */
  settle(job: LocalJob, role: WorkerRole, settlement: Settlement, agentId: string): void {
    const run = this.store.get(job.runId);
    if (!run) return;
    if (settlement.kind === 'final') {
      this.record(run, job.taskId, job.generation, settlement.result, agentId);
      return;
    }
    this.count('retried', 1);
    this.store.append(settlement.event);
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        this.queues.push(role, { ...job, attempt: settlement.event.attempt });
        this.queues.wake(role);
      },
      backoffDelay(this.backoffMs, job.attempt),
    );
    this.timers.add(timer);
  }

  /** Forgets an attempt's controller once it is over. */
  release(job: LocalJob, controller: AbortController): void {
    const run = this.store.get(job.runId);
    if (run?.controllers.get(job.taskId) === controller) run.controllers.delete(job.taskId);
  }

  /** Puts a running job back at the front of its queue, same attempt (a worker shut down). */
  handBack(job: LocalJob, role: WorkerRole): void {
    const run = this.store.get(job.runId);
    const node = run?.core.get(job.taskId);
    if (!run || !node || node.state !== 'running' || run.core.status().state !== 'running') return;
    const attempt = run.timings.get(job.taskId)?.attempts ?? 1;
    this.queues.pushFront(role, { ...job, generation: node.generation, attempt });
  }

  metrics(): TaskMetrics {
    return { ...this.counters };
  }

  /** Drops the pending retries. */
  close(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private count(counter: TaskCounter, by: number): void {
    this.counters[counter] += by;
  }

  private emitSkips(run: LocalRun, skipped: SkippedTask[]): void {
    for (const { taskId, reason } of skipped) {
      this.count('skipped', 1);
      this.store.append(taskSkipEvent(run.runId, run.core.get(taskId)!.task, reason));
    }
  }

  private enqueueReady(run: LocalRun): void {
    const ready = run.core.ready();
    run.core.markQueued(ready.map((t) => t.id));
    const roles = new Set<WorkerRole>();
    for (const task of ready) {
      const generation = run.core.get(task.id)!.generation;
      run.timings.set(task.id, { attempts: 0, queuedAt: Date.now() });
      this.queues.push(task.role, { runId: run.runId, taskId: task.id, generation, attempt: 1 });
      roles.add(task.role);
      this.store.append(taskQueueEvent(run.runId, task));
    }
    for (const role of roles) this.queues.wake(role);
  }

  private record(
    run: LocalRun,
    taskId: string,
    generation: number,
    result: Result,
    agentId: string,
  ): boolean {
    const node = run.core.get(taskId);
    if (!node || node.generation !== generation) return false;
    const outcome = run.core.recordResult(taskId, result, agentId);
    if (!outcome.accepted) return false;
    const timing = run.timings.get(taskId) ?? { attempts: 1 };
    run.timings.set(taskId, { ...timing, endedAt: Date.now() });
    this.count(result.success ? 'completed' : 'failed', 1);
    const proof = proofCounter(result);
    if (proof) this.count(proof, 1);
    this.store.append(taskEndEvent(run.runId, node.task, agentId, result));
    this.emitSkips(run, outcome.skipped);
    this.enqueueReady(run);
    this.endIfDone(run);
    return true;
  }

  private endIfDone(run: LocalRun): void {
    const { state, reason } = run.core.status();
    if (state === 'running' || run.endedAt !== undefined) return;
    run.endedAt = Date.now();
    this.store.append(runEndEvent(run.runId, state, reason, run.endedAt));
    this.store.ended(run.runId);
  }
}
