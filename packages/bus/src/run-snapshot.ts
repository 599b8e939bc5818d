import type { AcceptanceCheck } from '@codegod/protocol';
import type { SchedulerCore } from './scheduler-core.js';
import type { RunSnapshot, TaskRecord } from './task-bus.js';

/** What an adapter tracks about a task beyond the core's state. */
export interface TaskTimings {
  attempts: number;
  queuedAt?: number;
  startedAt?: number;
  endedAt?: number;
}

/** The run fields an adapter keeps next to its core. */
export interface RunMeta {
  runId: string;
  problem: string;
  /** The run's own acceptance checks. */
  acceptance: AcceptanceCheck[];
  createdAt: number;
  endedAt?: number;
}

/** Builds the port's snapshot from a core and the adapter's timings. */
export function snapshotFromCore(
  meta: RunMeta,
  core: SchedulerCore,
  timings: (taskId: string) => TaskTimings | undefined,
): RunSnapshot {
  const status = core.status();
  const tasks = core.tasks().map((node): TaskRecord => {
    const timing = timings(node.task.id);
    const record: TaskRecord = {
      task: node.task,
      state: node.state,
      attempts: timing?.attempts ?? 0,
    };
    if (node.result) record.result = node.result;
    if (node.reason !== undefined) record.reason = node.reason;
    if (node.agentId !== undefined) record.agentId = node.agentId;
    if (timing?.queuedAt !== undefined) record.queuedAt = timing.queuedAt;
    if (timing?.startedAt !== undefined) record.startedAt = timing.startedAt;
    if (timing?.endedAt !== undefined) record.endedAt = timing.endedAt;
    return record;
  });
  const snapshot: RunSnapshot = {
    runId: meta.runId,
    problem: meta.problem,
    state: status.state,
    reason: status.reason,
    awaitingReplan: status.awaitingReplan,
    awaitingAcceptance: status.awaitingAcceptance,
    acceptance: meta.acceptance,
    tasks,
    createdAt: meta.createdAt,
  };
  if (meta.endedAt !== undefined) snapshot.endedAt = meta.endedAt;
  return snapshot;
}
