import type { RunSnapshot } from '@codegod/bus';
import { type RunEvent, runReportSchema, type Task } from '@codegod/protocol';
import { describe, expect, it } from 'vitest';
import { buildRunReport } from './build-run-report.js';

const task = (id: string): Task => ({ id, description: id, role: 'backend', depends_on: [] });
const snapshot: RunSnapshot = {
  runId: 'run-1',
  problem: 'p',
  state: 'succeeded',
  reason: 'all tasks succeeded',
  awaitingReplan: false,
  awaitingAcceptance: false,
  acceptance: [],
  createdAt: 1,
  endedAt: 2,
  tasks: ['a', 'b', 'c'].map((id) => ({ task: task(id), state: 'succeeded', attempts: 1 })),
};
const step = (taskId: string, sandbox?: 'bubblewrap' | 'none'): RunEvent => ({
  type: 'task-step',
  run_id: 'run-1',
  ts: 1,
  task_id: taskId,
  role: 'backend',
  agent_id: `agent-${taskId}`,
  iteration: 1,
  phase: 'validate',
  data: { valid: true, output: 'ok', checks: [] },
  ...(sandbox ? { sandbox } : {}),
});
const context = { workspace: '/w', tokens: { total: 0, by_role: {} } };

describe('buildRunReport: the sandbox', () => {
  it("records each task's confinement from its workers' events, and the run's kinds", () => {
    const report = buildRunReport(
      snapshot,
      [step('a', 'bubblewrap'), step('b', 'none'), step('c')],
      context,
    );
    expect(report.tasks.map((t) => t.sandbox)).toEqual(['bubblewrap', 'none', null]);
    expect(report.sandbox).toEqual(['bubblewrap', 'none']);
  });

  it("adds what the master knows (embedded: the CLI's choice), even when no task ran a command", () => {
    expect(buildRunReport(snapshot, [], { ...context, sandbox: ['none'] }).sandbox).toEqual([
      'none',
    ]);
  });

  it('reads reports written before the field existed as unknown (null)', () => {
    const report = buildRunReport(snapshot, [step('a', 'bubblewrap')], context);
    const { sandbox: _run, ...old } = report;
    const oldTasks = old.tasks.map(({ sandbox: _task, ...rest }) => rest);
    const parsed = runReportSchema.parse({ ...old, tasks: oldTasks });
    expect(parsed.sandbox).toBeNull();
    expect(parsed.tasks[0]?.sandbox).toBeNull();
  });
});

describe('buildRunReport: durations', () => {
  const start = (taskId: string, ts: number, attempt: number): RunEvent => ({
    type: 'task-start',
    run_id: 'run-1',
    ts,
    task_id: taskId,
    role: 'backend',
    agent_id: 'agent-1',
    attempt,
  });

  it("cover every attempt of a task's latest try, not only the last attempt", () => {
    const retried: RunSnapshot = {
      ...snapshot,
      tasks: [{ task: task('a'), state: 'failed', attempts: 3, startedAt: 2000, endedAt: 2200 }],
    };
    // An earlier try (before a replan re-armed the task) does not count.
    const events = [
      start('a', 100, 1),
      start('a', 1000, 1),
      start('a', 1500, 2),
      start('a', 2000, 3),
    ];
    const [report] = buildRunReport(retried, events, context).tasks;
    expect(report).toMatchObject({ started_at: 1000, ended_at: 2200, duration_ms: 1200 });
  });
});
