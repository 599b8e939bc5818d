import { hostname } from 'node:os';
import {
  type CommandRunner,
  createCommandRunner,
  toolkitFor,
  UNCONFINED_WARNING,
} from '@codegod/actions';
import { createAgent } from '@codegod/agents';
import type { WorkerHandle } from '@codegod/bus';
import type { CodegodConfig, Logger } from '@codegod/config';
import { createLlmClient } from '@codegod/llm';
import { RedisRunFactStore } from '@codegod/memory';
import type { WorkerRole } from '@codegod/protocol';
import { redisBackend } from '../stores/backends.js';
import { logBackendError } from './log-backend-error.js';
import { startRoleWorker, type TaskLogEntry } from './role-worker.js';

/** Settings of an agent worker process. */
export interface AgentWorkerServiceOptions {
  config: CodegodConfig & { redisUrl: string };
  role: WorkerRole;
  logger: Logger;
  /** The agent id; names its memory and heartbeat. Default: `${role}-${hostname}-${pid}`. */
  agentId?: string;
  /** Jobs' workspaces must lie under this folder (the shared volume). Default: no check. */
  workspaceRoot?: string;
  /**
   * Runs (and confines) the agent's commands. Default: `createCommandRunner()`, which reads
   * `CODEGOD_SANDBOX` and throws, so the worker does not start, when that sandbox cannot work.
   */
  runner?: CommandRunner;
}

/** A running agent worker. */
export interface AgentWorkerService {
  readonly agentId: string;
  /** Stops taking tasks: finishes the current one, or hands it back when `force` is set. */
  close(options?: { force?: boolean }): Promise<void>;
}

/** One log line per task start and end, at info: what `start-agents.sh logs <agent>` shows. */
function logTask(logger: Logger, entry: TaskLogEntry): void {
  const { kind, ...fields } = entry;
  if (kind === 'task-start') {
    logger.info(fields, `task ${entry.taskId} started (attempt ${entry.attempt})`);
    return;
  }
  logger.info(
    fields,
    `task ${entry.taskId} ${entry.outcome} in ${(entry.durationMs / 1000).toFixed(1)}s`,
  );
}

/** The agent-worker process: one role's agent taking that role's tasks from the bus. */
export async function startAgentWorkerService(
  options: AgentWorkerServiceOptions,
): Promise<AgentWorkerService> {
  const { config, role, logger } = options;
  // First, so a sandbox that cannot work here stops the worker before it takes any task.
  const runner = options.runner ?? createCommandRunner();
  if (runner.kind === 'none') logger.warn(UNCONFINED_WARNING);
  const agentId =
    options.agentId ?? `${role}-${hostname()}-${process.pid}`.replace(/[^A-Za-z0-9_.-]/g, '-');
  const backend = await redisBackend(config.redisUrl, {
    onError: logBackendError(logger),
  });
  const { bus, memory, redis } = backend;
  const llm = createLlmClient({
    baseURL: config.llmBaseUrl,
    model: config.llmModel,
    apiKey: config.llmApiKey,
    tokenMeter: backend.tokens,
  });
  const toolkit = toolkitFor(role, { runner });
  const handle: WorkerHandle = await startRoleWorker({
    bus,
    role,
    agentId,
    workspaces: backend.workspaces,
    ...(options.workspaceRoot ? { workspaceRoot: options.workspaceRoot } : {}),
    onTask: (entry) => logTask(logger, entry),
    createRunner: (id) =>
      createAgent({
        agentId: id,
        toolkit,
        llm,
        memory,
        // In Redis: a fact found here reaches the run's later tasks on every replica.
        facts: new RedisRunFactStore(redis),
        recordStep: (event) => {
          // A wipe is part of the story an operator follows in `logs <agent>`.
          if (event.type === 'agent-wipe') {
            logger.info(
              { runId: event.run_id, taskId: event.task_id, agentId: id },
              `memory wiped during task ${event.task_id}: ${event.reason}`,
            );
          }
          return bus.appendEvent(event);
        },
      }),
  });
  // The logger already carries the role (services/agent-worker makes it a child with it).
  logger.info({ agentId, sandbox: runner.kind }, 'agent worker ready');
  return {
    agentId,
    async close(closeOptions) {
      await handle.close(closeOptions);
      await backend.close();
    },
  };
}
