import type {
  AcceptanceCheck,
  Result,
  RunEvent,
  RunState,
  Task,
  TaskGraph,
  TaskState,
  WorkerRole,
} from '@codegod/protocol';
import type { AgentStatus } from './agent-status.js';
import type { TaskMetrics } from './task-metrics.js';

/** A run as submitted to the bus. */
export interface RunSpec {
  /** Unique id; also the prefix of the run's job ids. */
  runId: string;
  /** The user's problem statement. */
  problem: string;
  /** A graph already checked by `validateTaskGraph`. */
  graph: TaskGraph;
  /**
   * When true, a failed task does not skip its dependents at once: the run waits in
   * `awaitingReplan` until `extendRun` retries the task or `finishRun` ends the run.
   * Default: false (dependents are skipped with the reason).
   */
  holdOnFailure?: boolean;
  /**
   * The run's own acceptance checks, kept with the run so a restarted master still has them.
   * When there are any, the run does not succeed when its last task does: it waits in
   * `awaitingAcceptance` until the master runs them and calls `finishRun` or `extendRun`.
   * Default: none.
   */
  acceptance?: AcceptanceCheck[];
}

/** One task as the bus tracks it. */
export interface TaskRecord {
  task: Task;
  state: TaskState;
  /** Attempts started so far (1 on the first run). */
  attempts: number;
  /** The recorded result; the first completion wins. */
  result?: Result;
  /** Why the task failed, was skipped or was cancelled. */
  reason?: string;
  /** Agent that recorded the result. */
  agentId?: string;
  queuedAt?: number;
  startedAt?: number;
  endedAt?: number;
}

/** A run's state as stored by the bus. */
export interface RunSnapshot {
  runId: string;
  problem: string;
  state: RunState;
  /** Why the run ended (or, while running, why it waits). */
  reason: string;
  /** True while a failed task holds its dependents, waiting for the master. */
  awaitingReplan: boolean;
  /** True while every task has succeeded and the run's acceptance checks are due. */
  awaitingAcceptance: boolean;
  /** The run's own acceptance checks (RunSpec.acceptance). */
  acceptance: AcceptanceCheck[];
  tasks: TaskRecord[];
  createdAt: number;
  endedAt?: number;
}

/** What a worker receives for one task. */
export interface TaskJob {
  runId: string;
  task: Task;
  /** 1 on the first attempt. */
  attempt: number;
  /** Results of the task's dependencies, by task id. */
  dependencies: Record<string, Result>;
}

/** Context a handler gets with its job. */
export interface TaskContext {
  /** Aborted when the run is cancelled or the worker shuts down. */
  signal: AbortSignal;
  /** The id of the agent (worker) running the task. */
  agentId: string;
}

/**
 * Runs one task. Return a Result (success or not) to record it; throw a retryable error to
 * have the bus retry with backoff; throw NonRetryableTaskError to fail at once.
 */
export type TaskHandler = (job: TaskJob, context: TaskContext) => Promise<Result>;

/** Settings for one role's worker. */
export interface WorkOptions {
  /** Tasks run at once by this worker. Default: 1. */
  concurrency?: number;
  /** The worker's agent id, e.g. `backend-1`. Default: `${role}-${random}`. */
  agentId?: string;
}

/** A running worker. */
export interface WorkerHandle {
  readonly agentId: string;
  /** Stops taking tasks; waits for running ones, or hands them back when `force` is set. */
  close(options?: { force?: boolean }): Promise<void>;
}

/** Changes the master makes to a running run after a failure. */
export interface RunExtension {
  /** New tasks; they may depend on existing tasks and on each other. */
  add: Task[];
  /** Failed tasks to run again, after the given (new or existing) dependencies. */
  retry: { taskId: string; dependsOn: string[] }[];
  /** Why, recorded as a `replan` event. */
  reason: string;
}

/**
 * The task bus port: runs task graphs across role workers. The scheduler keeps the DAG and
 * enqueues a task on its role's queue once its dependencies are done. Every adapter passes
 * `taskBusConformance` from `@codegod/bus/testing`.
 */
export interface TaskBus {
  /** Records the run and enqueues its ready tasks. Throws if the run id exists. */
  startRun(spec: RunSpec): Promise<void>;
  /** Adds or retries tasks in a run that is running (used for replanning). */
  extendRun(runId: string, extension: RunExtension): Promise<void>;
  /** Ends a run: pending tasks are cancelled or skipped with `reason`. */
  finishRun(runId: string, state: Exclude<RunState, 'running'>, reason: string): Promise<void>;
  /** Cancels a run: queued tasks are removed, running ones aborted. */
  cancelRun(runId: string, reason: string): Promise<void>;
  /** A run's current state, or undefined when unknown. */
  getRun(runId: string): Promise<RunSnapshot | undefined>;
  /** Every run, newest first. */
  listRuns(): Promise<
    Pick<RunSnapshot, 'runId' | 'problem' | 'state' | 'reason' | 'createdAt' | 'endedAt'>[]
  >;
  /** Appends an event to the run's log (agents record their steps here). */
  appendEvent(event: RunEvent): Promise<void>;
  /** The run's events in order. */
  readEvents(runId: string): Promise<RunEvent[]>;
  /**
   * Calls `listener` for each new event of any run except `task-step`: steps are most of a
   * run's events, so they go to the run's log only (read them with `tailEvents`). Returns an
   * unsubscribe function.
   */
  subscribe(listener: (event: RunEvent) => void): () => void;
  /**
   * Calls `listener` with every event of one run, steps included, in order: those already
   * logged first, then each new one. The run need not exist yet. Returns a function that
   * stops the tail.
   */
  tailEvents(runId: string, listener: (event: RunEvent) => void): () => void;
  /**
   * How many events the run has logged; it grows with every event, so a watcher can tell
   * progress from a stall without reading the events. 0 for an unknown run.
   */
  eventCount(runId: string): Promise<number>;
  /**
   * Resolves with the snapshot once the run is no longer running; with `untilReplan`, also
   * once it waits for the master (a replan, or its acceptance checks).
   */
  waitForRun(
    runId: string,
    options?: { signal?: AbortSignal; untilReplan?: boolean },
  ): Promise<RunSnapshot>;
  /** Starts a worker for `role` that runs `handler` on its tasks. */
  work(role: WorkerRole, handler: TaskHandler, options?: WorkOptions): Promise<WorkerHandle>;
  /** Task counters (submitted, completed, failed, retried, skipped, cancelled). Optional. */
  metrics?(): Promise<TaskMetrics>;
  /** Live workers' heartbeats; dead ones have aged out. Optional. */
  agents?(): Promise<AgentStatus[]>;
  /** Closes workers and connections. */
  close(): Promise<void>;
}
