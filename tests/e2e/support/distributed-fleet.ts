import { WORKER_ROLES } from '@codegod/protocol';
import {
  type ChildProcesses,
  childEnvironment,
  MASTER_BIN,
  type TrackedChild,
  WORKER_BIN,
} from './child-processes.js';

/** Settings of a fleet of real service processes. */
export interface DistributedFleetOptions {
  redisUrl: string;
  llmUrl: string;
  /** Extra environment for every service (e.g. PIP_NO_INDEX, PIP_FIND_LINKS). */
  env?: Record<string, string>;
}

/**
 * Starts the built master-orchestrator and one agent-worker per role as child processes on
 * `redisUrl`, and waits until each says it is ready.
 */
export async function startDistributedFleet(
  children: ChildProcesses,
  options: DistributedFleetOptions,
): Promise<TrackedChild[]> {
  const base = {
    ...options.env,
    REDIS_URL: options.redisUrl,
    VLLM_API_URL: options.llmUrl,
    LLM_MODEL: 'scripted-model',
  };
  const master = children.spawnNode(
    'master-orchestrator',
    MASTER_BIN,
    [],
    childEnvironment({ ...base, AGENT_ROLE: 'master', BULL_BOARD_PORT: '0' }),
  );
  const workers = WORKER_ROLES.map((role) =>
    children.spawnNode(
      `agent-worker ${role}`,
      WORKER_BIN,
      [],
      childEnvironment({ ...base, AGENT_ROLE: role, AGENT_ID: `${role}-e2e-1` }),
    ),
  );
  await Promise.all([
    children.waitForOutput(master, 'master ready'),
    ...workers.map((worker) => children.waitForOutput(worker, 'agent worker ready')),
  ]);
  return [master, ...workers];
}
