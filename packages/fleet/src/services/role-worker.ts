import { mkdirSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import type { TaskBus, TaskContext, TaskJob, WorkerHandle } from '@codegod/bus';
import type { RunWorkspaces } from '@codegod/orchestrator';
import {
  NonRetryableTaskError,
  oneLine,
  type Result,
  type Task,
  type WorkerRole,
} from '@codegod/protocol';

/** Runs one task to a Result: the agent loop, seen from the worker. */
export interface TaskRunner {
  run(
    task: Task,
    options: {
      runId: string;
      workspace: string;
      signal: AbortSignal;
      dependencies: Record<string, Result>;
    },
  ): Promise<Result>;
}

/** A task a worker started or ended, for its log: what an operator reads to follow the work. */
export type TaskLogEntry = {
  runId: string;
  taskId: string;
  agentId: string;
  attempt: number;
} & (
  | { kind: 'task-start' }
  | {
      kind: 'task-end';
      /** `error`: the agent threw (the bus may try again); `failed`: it returned a failure. */
      outcome: 'succeeded' | 'failed' | 'error';
      durationMs: number;
      /** Why it did not succeed, on one bounded line; null when it succeeded. */
      reason: string | null;
    }
);

/**
 * Runs whose workspace a worker remembers. A run's workspace is set once, before its first task
 * is queued, so asking Redis again for each of its tasks only cost a round trip per task.
 */
const WORKSPACES_KEPT = 64;

/** Characters of a failure reason a task log entry keeps. */
const LOGGED_REASON_CHARS = 300;

/** Settings for `startRoleWorker`. */
export interface RoleWorkerOptions {
  bus: TaskBus;
  role: WorkerRole;
  /** Where each run's workspace is. */
  workspaces: RunWorkspaces;
  /** Makes the runner (agent) for an agent id; called once per agent id. */
  createRunner: (agentId: string) => TaskRunner;
  /** The worker's agent id. Default: chosen by the bus. */
  agentId?: string;
  /** Tasks at once. Default: 1 (scale with replicas instead). */
  concurrency?: number;
  /** When set, a job's workspace must lie inside it (distributed mode's shared volume). */
  workspaceRoot?: string;
  /** Told when a task starts and ends. Default: nothing. */
  onTask?: (entry: TaskLogEntry) => void;
}

/** Confines a job's workspace to the root, when one is configured. */
function checkWorkspace(workspace: string | undefined, root: string | undefined): string {
  if (!workspace || !isAbsolute(workspace)) {
    throw new NonRetryableTaskError(
      `The job has no absolute workspace path (got ${JSON.stringify(workspace)}).`,
    );
  }
  const resolved = resolve(workspace);
  if (root) {
    const inside = relative(resolve(root), resolved);
    if (inside.startsWith('..') || isAbsolute(inside)) {
      throw new NonRetryableTaskError(
        `Workspace ${resolved} is outside WORKSPACE_ROOT ${root}; submit runs with a workspace under it.`,
      );
    }
  }
  return resolved;
}

/** Starts a worker that runs `role`'s tasks from the bus through an agent. */
export async function startRoleWorker(options: RoleWorkerOptions): Promise<WorkerHandle> {
  const runners = new Map<string, TaskRunner>();
  const knownWorkspaces = new Map<string, string>();
  async function workspaceOf(runId: string): Promise<string | undefined> {
    const known = knownWorkspaces.get(runId);
    if (known !== undefined) return known;
    const workspace = await options.workspaces.get(runId);
    if (workspace === undefined) return undefined;
    knownWorkspaces.set(runId, workspace);
    // The oldest run is forgotten first.
    if (knownWorkspaces.size > WORKSPACES_KEPT) {
      knownWorkspaces.delete(knownWorkspaces.keys().next().value!);
    }
    return workspace;
  }
  return options.bus.work(
    options.role,
    async (job, context) => {
      const who = {
        runId: job.runId,
        taskId: job.task.id,
        agentId: context.agentId,
        attempt: job.attempt,
      };
      options.onTask?.({ ...who, kind: 'task-start' });
      const startedAt = Date.now();
      const end = (outcome: 'succeeded' | 'failed' | 'error', reason: string | null) =>
        options.onTask?.({
          ...who,
          kind: 'task-end',
          outcome,
          durationMs: Date.now() - startedAt,
          reason: reason === null ? null : oneLine(reason, LOGGED_REASON_CHARS),
        });
      try {
        const result = await runTask(job, context);
        end(result.success ? 'succeeded' : 'failed', result.success ? null : result.output);
        return result;
      } catch (error) {
        end('error', error instanceof Error ? error.message : String(error));
        throw error;
      }
    },
    {
      concurrency: options.concurrency ?? 1,
      ...(options.agentId ? { agentId: options.agentId } : {}),
    },
  );

  async function runTask(job: TaskJob, context: TaskContext): Promise<Result> {
    const workspace = checkWorkspace(await workspaceOf(job.runId), options.workspaceRoot);
    // A call of microseconds on an existing folder: not worth a hand-off to the thread pool.
    mkdirSync(workspace, { recursive: true });
    let runner = runners.get(context.agentId);
    if (!runner) {
      runner = options.createRunner(context.agentId);
      runners.set(context.agentId, runner);
    }
    return runner.run(job.task, {
      runId: job.runId,
      workspace,
      signal: context.signal,
      dependencies: job.dependencies,
    });
  }
}
