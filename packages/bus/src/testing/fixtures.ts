import { randomUUID } from 'node:crypto';
import type { Result, RunEvent, Task, WorkerRole } from '@codegod/protocol';

/** A successful Result with `output`. */
export function okResult(output = 'done'): Result {
  return {
    success: true,
    output,
    reasoning: null,
    actions_taken: [],
    validation: { valid: true, output, checks: [] },
  };
}

/** A successful Result whose validation ran one acceptance check, which passed. */
export function verifiedResult(output = 'done'): Result {
  const check = { type: 'file' as const, path: 'app.py' };
  const passed = { check, ran: 'file app.py exists', passed: true, exit_code: null };
  const result = { ...passed, reason: 'app.py exists (file)', output: '', duration_ms: 1 };
  return { ...okResult(output), validation: { valid: true, output, checks: [result] } };
}

/** A failed Result with `output`. */
export function failedResult(output = 'failed'): Result {
  return { ...okResult(output), success: false, validation: { valid: false, output, checks: [] } };
}

/** A task for tests; the description defaults to the id. */
export function testTask(id: string, dependsOn: string[] = [], role: WorkerRole = 'backend'): Task {
  return { id, description: id, role, depends_on: dependsOn };
}

/** A `task-step` event (a passing Validate) of `job`'s task, as an agent records it. */
export function testStep(
  job: { runId: string; task: Pick<Task, 'id' | 'role'> },
  agentId: string,
  iteration = 1,
): Extract<RunEvent, { type: 'task-step' }> {
  return {
    type: 'task-step',
    run_id: job.runId,
    ts: Date.now(),
    task_id: job.task.id,
    role: job.task.role,
    agent_id: agentId,
    iteration,
    phase: 'validate',
    data: { valid: true, output: `step ${iteration}`, checks: [] },
  };
}

/** A unique run id, so tests sharing a Redis never collide. */
export function testRunId(label = 'run'): string {
  return `${label}-${randomUUID().slice(0, 12)}`;
}

/** A promise with its resolve function, for making handlers wait on the test. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}
