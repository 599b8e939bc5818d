import type { WorkerRole } from './roles.js';

/** The prefix of every Redis key codegod writes, and of its BullMQ queues. */
export const KEY_PREFIX = 'codegod';

/** Redis key builders. Every key codegod uses is named here and nowhere else. */
export const redisKeys = {
  /** Hash of task counters: submitted, completed, failed, retried, skipped, wiped… */
  metricsTasks: () => `${KEY_PREFIX}:metrics:tasks`,
  /** Hash of LLM token counters, per run and per role. */
  metricsLlm: () => `${KEY_PREFIX}:metrics:llm`,
  /** Hash agentId → JSON heartbeat (role, state, current task, last seen). */
  agentsStatus: () => `${KEY_PREFIX}:agents:status`,
  /** Hash with the AgentMemory fields of one agent. */
  memory: (agentId: string) => `${KEY_PREFIX}:memory:${agentId}`,
  /** Hash with one saved memory of an agent. */
  checkpoint: (agentId: string, checkpointId: string) =>
    `${KEY_PREFIX}:checkpoint:${agentId}:${checkpointId}`,
  /** Sorted set of run ids, scored by start time. */
  runs: () => `${KEY_PREFIX}:runs`,
  /** Hash with a run's own state: problem, graph, state, reason, timings. */
  run: (runId: string) => `${KEY_PREFIX}:run:${runId}`,
  /** Hash taskId → JSON task state within a run. */
  runTasks: (runId: string) => `${KEY_PREFIX}:run:${runId}:tasks`,
  /** Hash taskId → JSON Result; HSETNX makes the first completion win. */
  runResults: (runId: string) => `${KEY_PREFIX}:run:${runId}:results`,
  /** Stream of the run's events. */
  runEvents: (runId: string) => `${KEY_PREFIX}:run:${runId}:events`,
  /** List of runs submitted to the master service, newest first. */
  submissions: () => `${KEY_PREFIX}:submissions`,
  /** List of submissions the master has taken but not yet started (for crash recovery). */
  submissionsTaken: () => `${KEY_PREFIX}:submissions:taken`,
  /** Hash role → LLM tokens the run spent (all processes add with HINCRBY). */
  runTokens: (runId: string) => `${KEY_PREFIX}:run:${runId}:tokens`,
  /** String with the absolute workspace path of the run's tasks. */
  runWorkspace: (runId: string) => `${KEY_PREFIX}:run:${runId}:workspace`,
  /** Hash `role/name` → JSON RunFact: what the run's tasks found, shared across agents. */
  runFacts: (runId: string) => `${KEY_PREFIX}:run:${runId}:facts`,
  /** String with the run's report JSON. */
  runReport: (runId: string) => `${KEY_PREFIX}:run:${runId}:report`,
  /** Pub/sub channel: a run id each time the master saves that run's report. */
  reportsChannel: () => `${KEY_PREFIX}:reports`,
} as const;

/** The BullMQ queue name of a role (the queue's keys also carry KEY_PREFIX). */
export function queueName(role: WorkerRole): string {
  return `tasks-${role}`;
}

/** The deterministic job id of a task in a run, so a duplicate enqueue does nothing. */
export function jobId(runId: string, taskId: string): string {
  return `${runId}__${taskId}`;
}
