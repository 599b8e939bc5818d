import type { Result, RunEvent, RunState, Task } from '@codegod/protocol';

/** One kind of run event, by its `type`. */
export type RunEventOf<T extends RunEvent['type']> = Extract<RunEvent, { type: T }>;

/** The task fields an event names. */
type TaskRef = Pick<Task, 'id' | 'role'>;

// The bus's own events, built in one place so both adapters write the same records. Each
// takes `ts` last, defaulting to now.

/** A run was recorded with its tasks. */
export function runStartEvent(
  runId: string,
  problem: string,
  taskCount: number,
  ts = Date.now(),
): RunEventOf<'run-start'> {
  return { type: 'run-start', run_id: runId, ts, problem, task_count: taskCount };
}

/** A run ended. */
export function runEndEvent(
  runId: string,
  state: Exclude<RunState, 'running'>,
  reason: string,
  ts = Date.now(),
): RunEventOf<'run-end'> {
  return { type: 'run-end', run_id: runId, ts, state, reason };
}

/** The master changed a running run after a failure. */
export function replanEvent(
  runId: string,
  round: number,
  reason: string,
  ts = Date.now(),
): RunEventOf<'replan'> {
  return { type: 'replan', run_id: runId, ts, round, reason };
}

/** A task went onto its role's queue. */
export function taskQueueEvent(
  runId: string,
  task: TaskRef,
  ts = Date.now(),
): RunEventOf<'task-queue'> {
  return { type: 'task-queue', run_id: runId, ts, task_id: task.id, role: task.role };
}

/** A worker started an attempt of a task. */
export function taskStartEvent(
  runId: string,
  task: TaskRef,
  agentId: string,
  attempt: number,
  ts = Date.now(),
): RunEventOf<'task-start'> {
  return {
    type: 'task-start',
    run_id: runId,
    ts,
    task_id: task.id,
    role: task.role,
    agent_id: agentId,
    attempt,
  };
}

/** A task's result was recorded (the first completion). */
export function taskEndEvent(
  runId: string,
  task: TaskRef,
  agentId: string,
  result: Result,
  ts = Date.now(),
): RunEventOf<'task-end'> {
  return {
    type: 'task-end',
    run_id: runId,
    ts,
    task_id: task.id,
    role: task.role,
    agent_id: agentId,
    success: result.success,
    result,
  };
}

/** An attempt threw a retryable error; `attempt` is the one to come. */
export function taskRetryEvent(
  runId: string,
  task: TaskRef,
  attempt: number,
  reason: string,
  ts = Date.now(),
): RunEventOf<'task-retry'> {
  return {
    type: 'task-retry',
    run_id: runId,
    ts,
    task_id: task.id,
    role: task.role,
    attempt,
    reason,
  };
}

/** A task will not run: a dependency failed, or the run ended first. */
export function taskSkipEvent(
  runId: string,
  task: TaskRef,
  reason: string,
  ts = Date.now(),
): RunEventOf<'task-skip'> {
  return { type: 'task-skip', run_id: runId, ts, task_id: task.id, role: task.role, reason };
}
