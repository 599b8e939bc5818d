import type { RunSnapshot } from '@codegod/bus';
import {
  type ActionTaken,
  actionTakenSchema,
  type Observation,
  observationSchema,
  type Plan,
  planSchema,
  proofOf,
  type Reasoning,
  type RunEvent,
  type RunReport,
  type RunTokens,
  reasoningSchema,
  type SandboxKind,
  type TaskReport,
  type Validation,
  validationSchema,
} from '@codegod/protocol';
import { z } from 'zod';
import { lastRunChecks, runProof } from './run-proof.js';

interface StepRecords {
  iterations: number;
  sandbox: SandboxKind | null;
  observation: Observation | null;
  reasoning: Reasoning | null;
  plan: Plan | null;
  actions: ActionTaken[] | null;
  validation: Validation | null;
}

/** The latest record of each phase per task (the last iteration is what the report shows). */
function stepRecordsByTask(events: RunEvent[]): Map<string, StepRecords> {
  const byTask = new Map<string, StepRecords>();
  for (const event of events) {
    if (event.type !== 'task-step') continue;
    const records = byTask.get(event.task_id) ?? {
      iterations: 0,
      sandbox: null,
      observation: null,
      reasoning: null,
      plan: null,
      actions: null,
      validation: null,
    };
    records.iterations = Math.max(records.iterations, event.iteration);
    records.sandbox = event.sandbox ?? records.sandbox;
    const data: unknown = event.data;
    switch (event.phase) {
      case 'observe':
        records.observation = observationSchema.safeParse(data).data ?? records.observation;
        break;
      case 'reason':
        records.reasoning = reasoningSchema.safeParse(data).data ?? records.reasoning;
        break;
      case 'plan':
        records.plan = planSchema.safeParse(data).data ?? records.plan;
        break;
      case 'act':
        records.actions = z.array(actionTakenSchema).safeParse(data).data ?? records.actions;
        break;
      case 'validate':
        records.validation = validationSchema.safeParse(data).data ?? records.validation;
        break;
    }
    byTask.set(event.task_id, records);
  }
  return byTask;
}

/**
 * When the bus started each first attempt, per task, in stream order: the snapshot keeps only
 * the last attempt's start, and a duration must cover the retries too. Indexed once, so a
 * report of n tasks reads the events once rather than once per task.
 */
function firstAttemptStarts(events: RunEvent[]): Map<string, number[]> {
  const starts = new Map<string, number[]>();
  for (const event of events) {
    if (event.type !== 'task-start' || event.attempt !== 1) continue;
    const list = starts.get(event.task_id);
    if (list) list.push(event.ts);
    else starts.set(event.task_id, [event.ts]);
  }
  return starts;
}

/** The latest first-attempt start at or before the task's last start (its latest try's). */
function firstAttemptStart(starts: number[] | undefined, lastStart: number): number {
  let first = lastStart;
  for (const ts of starts ?? []) if (ts <= lastStart) first = ts;
  return first;
}

/**
 * Builds the run report from the bus's snapshot and the run's event log. `context.sandbox` is
 * what the master itself knows of its workers' confinement; the workers' events add theirs.
 */
export function buildRunReport(
  snapshot: RunSnapshot,
  events: RunEvent[],
  context: { workspace: string; tokens: RunTokens; sandbox?: readonly SandboxKind[] },
): RunReport {
  const steps = stepRecordsByTask(events);
  const starts = firstAttemptStarts(events);
  const tasks: TaskReport[] = snapshot.tasks.map((record) => {
    const s = steps.get(record.task.id);
    const result = record.result;
    const validation = result?.validation ?? s?.validation ?? null;
    const startedAt =
      record.startedAt === undefined
        ? undefined
        : firstAttemptStart(starts.get(record.task.id), record.startedAt);
    return {
      id: record.task.id,
      description: record.task.description,
      role: record.task.role,
      depends_on: record.task.depends_on,
      acceptance: record.task.acceptance ?? [],
      state: record.state,
      proof: record.state === 'succeeded' ? proofOf(validation?.checks ?? []) : null,
      reason: record.reason ?? null,
      agent_id: record.agentId ?? null,
      sandbox: s?.sandbox ?? null,
      attempts: record.attempts,
      iterations: s?.iterations ?? 0,
      observation: s?.observation ?? null,
      reasoning: result?.reasoning ?? s?.reasoning ?? null,
      plan: s?.plan ?? null,
      actions_taken: result?.actions_taken ?? s?.actions ?? [],
      validation,
      output: result?.output ?? null,
      queued_at: record.queuedAt ?? null,
      started_at: startedAt ?? null,
      ended_at: record.endedAt ?? null,
      duration_ms:
        startedAt !== undefined && record.endedAt !== undefined ? record.endedAt - startedAt : null,
    };
  });
  return {
    run_id: snapshot.runId,
    problem: snapshot.problem,
    workspace: context.workspace,
    state: snapshot.state,
    reason: snapshot.reason,
    started_at: snapshot.createdAt,
    ended_at: snapshot.endedAt ?? null,
    duration_ms: snapshot.endedAt !== undefined ? snapshot.endedAt - snapshot.createdAt : null,
    replan_rounds: events.filter((e) => e.type === 'replan').length,
    sandbox: [
      ...new Set([
        ...(context.sandbox ?? []),
        ...tasks.flatMap((task) => (task.sandbox ? [task.sandbox] : [])),
      ]),
    ].sort(),
    tokens: context.tokens,
    tasks,
    surveys: events.flatMap((e) =>
      e.type === 'run-survey' ? [{ round: e.round, survey: e.survey }] : [],
    ),
    proof: runProof(snapshot.state, tasks, lastRunChecks(events)),
  };
}
