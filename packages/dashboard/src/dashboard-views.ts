import type { AgentStatus, RunSnapshot, TaskRecord } from '@codegod/bus';
import { type AgentMemory, proofOf, type RunEvent } from '@codegod/protocol';
import type { RunTokenUsage } from './dashboard-sources.js';
import { taskWaves } from './task-waves.js';

/** One run in the runs list. */
export interface RunRow {
  run_id: string;
  problem: string;
  state: RunSnapshot['state'];
  reason: string;
  created_at: number;
  ended_at: number | null;
  tokens: RunTokenUsage | null;
}

/** The runs-list row of `run`. */
export function runRow(
  run: Pick<RunSnapshot, 'runId' | 'problem' | 'state' | 'reason' | 'createdAt' | 'endedAt'>,
  tokens: RunTokenUsage | null,
): RunRow {
  return {
    run_id: run.runId,
    problem: run.problem,
    state: run.state,
    reason: run.reason,
    created_at: run.createdAt,
    ended_at: run.endedAt ?? null,
    tokens,
  };
}

/** How a run's success was proven, from its tasks' checks: only a succeeded run has a proof. */
export function runProof(run: RunSnapshot): 'verified' | 'unverified' | null {
  if (run.state !== 'succeeded') return null;
  return run.tasks.every((t) => t.result && proofOf(t.result.validation.checks) === 'verified')
    ? 'verified'
    : 'unverified';
}

/** One node of the DAG. */
export interface TaskNode {
  id: string;
  role: string;
  description: string;
  depends_on: string[];
  state: TaskRecord['state'];
  wave: number;
  attempts: number;
  reason: string | null;
  agent_id: string | null;
  proof: 'verified' | 'unverified' | null;
  started_at: number | null;
  ended_at: number | null;
}

/** A run with its DAG laid out by waves. */
export interface RunView extends RunRow {
  proof: 'verified' | 'unverified' | null;
  awaiting_replan: boolean;
  wave_count: number;
  tasks: TaskNode[];
  replans: { round: number; reason: string; ts: number }[];
}

/** The run page's data. */
export function runView(
  run: RunSnapshot,
  events: readonly RunEvent[],
  tokens: RunTokenUsage | null,
): RunView {
  const waves = taskWaves(run.tasks.map((t) => t.task));
  const tasks = run.tasks.map(
    (record): TaskNode => ({
      id: record.task.id,
      role: record.task.role,
      description: record.task.description,
      depends_on: record.task.depends_on,
      state: record.state,
      wave: waves.get(record.task.id) ?? 0,
      attempts: record.attempts,
      reason: record.reason ?? null,
      agent_id: record.agentId ?? null,
      proof:
        record.state === 'succeeded' && record.result
          ? proofOf(record.result.validation.checks)
          : null,
      started_at: record.startedAt ?? null,
      ended_at: record.endedAt ?? null,
    }),
  );
  return {
    ...runRow(run, tokens),
    proof: runProof(run),
    awaiting_replan: run.awaitingReplan,
    wave_count: tasks.length === 0 ? 0 : 1 + Math.max(...tasks.map((t) => t.wave)),
    tasks,
    replans: events.flatMap((e) =>
      e.type === 'replan' ? [{ round: e.round, reason: e.reason, ts: e.ts }] : [],
    ),
  };
}

type StepEvent = Extract<RunEvent, { type: 'task-step' }>;

/** One Observe -> Reason -> Plan -> Act -> Validate pass of an agent. */
export interface IterationView {
  iteration: number;
  steps: Partial<Record<StepEvent['phase'], StepEvent['data']>>;
}

/** One attempt at a task: who ran it, its iterations, wipes, and how it ended. */
export interface AttemptView {
  attempt: number;
  agent_id: string | null;
  started_at: number | null;
  iterations: IterationView[];
  wipes: { agent_id: string; reason: string; ts: number }[];
  retry: { reason: string } | null;
  end: { success: boolean; output: string; ts: number } | null;
}

/** The task page's data. */
export interface TaskView {
  run_id: string;
  task: TaskNode;
  attempts: AttemptView[];
  skipped: string | null;
}

/** Groups a task's events into attempts and iterations, in the order they happened. */
export function taskView(run: RunView, taskId: string, events: readonly RunEvent[]): TaskView {
  const task = run.tasks.find((t) => t.id === taskId);
  if (!task) throw new Error(`no task ${taskId} in run ${run.run_id}`);
  const attempts: AttemptView[] = [];
  const fresh = (attempt: number, agentId: string | null, ts: number | null): AttemptView => ({
    attempt,
    agent_id: agentId,
    started_at: ts,
    iterations: [],
    wipes: [],
    retry: null,
    end: null,
  });
  const current = () => {
    const last = attempts.at(-1);
    if (last) return last;
    const first = fresh(1, null, null);
    attempts.push(first);
    return first;
  };
  let skipped: string | null = null;
  for (const event of events) {
    if (!('task_id' in event) || event.task_id !== taskId) continue;
    switch (event.type) {
      case 'task-start':
        attempts.push(fresh(event.attempt, event.agent_id, event.ts));
        break;
      case 'task-step': {
        const attempt = current();
        let iteration = attempt.iterations.find((i) => i.iteration === event.iteration);
        if (!iteration) {
          iteration = { iteration: event.iteration, steps: {} };
          attempt.iterations.push(iteration);
        }
        iteration.steps[event.phase] = event.data;
        break;
      }
      case 'agent-wipe':
        current().wipes.push({ agent_id: event.agent_id, reason: event.reason, ts: event.ts });
        break;
      case 'task-retry':
        current().retry = { reason: event.reason };
        break;
      case 'task-end':
        current().end = { success: event.success, output: event.result.output, ts: event.ts };
        break;
      case 'task-skip':
        skipped = event.reason;
        break;
      default:
        break;
    }
  }
  return { run_id: run.run_id, task, attempts, skipped };
}

/** One agent: its heartbeat (when alive) and its memory (when it has one). */
export interface AgentView {
  agent_id: string;
  role: string | null;
  state: AgentStatus['state'] | 'gone';
  heartbeat_age_ms: number | null;
  current_task: string | null;
  memory: AgentMemory | null;
  checkpoints: string[];
}

/** Joins heartbeats and memories by agent id; an agent with a memory and no heartbeat is gone. */
export function agentViews(
  statuses: readonly AgentStatus[],
  memories: ReadonlyMap<string, { memory: AgentMemory | null; checkpoints: string[] }>,
  now: number,
): AgentView[] {
  const ids = [...new Set([...statuses.map((s) => s.agent_id), ...memories.keys()])].sort();
  return ids.map((id) => {
    const status = statuses.find((s) => s.agent_id === id);
    const stored = memories.get(id);
    return {
      agent_id: id,
      role: status?.role ?? stored?.memory?.agent_role ?? null,
      state: status?.state ?? 'gone',
      heartbeat_age_ms: status ? Math.max(0, now - status.last_seen) : null,
      current_task: status?.current_task ?? null,
      memory: stored?.memory ?? null,
      checkpoints: stored?.checkpoints ?? [],
    };
  });
}
