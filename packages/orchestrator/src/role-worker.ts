import { mkdir } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import type { TaskBus, WorkerHandle } from '@codegod/bus';
import { NonRetryableTaskError, type Result, type Task, type WorkerRole } from '@codegod/protocol';
import type { RunWorkspaces } from './run-workspaces.js';

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
  return options.bus.work(
    options.role,
    async (job, context) => {
      const workspace = checkWorkspace(
        await options.workspaces.get(job.runId),
        options.workspaceRoot,
      );
      await mkdir(workspace, { recursive: true });
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
    },
    {
      concurrency: options.concurrency ?? 1,
      ...(options.agentId ? { agentId: options.agentId } : {}),
    },
  );
}
