import { randomUUID } from 'node:crypto';
import type { WorkerRole } from '@codegod/protocol';
import type { AgentStatusRegistry } from '../agent-status.js';
import { type AttemptOutcome, settleAttempt } from '../settle-attempt.js';
import type { TaskHandler, WorkerHandle, WorkOptions } from '../task-bus.js';
import { startWorkerHeartbeat } from '../worker-heartbeat.js';
import type { InProcessScheduler } from './in-process-scheduler.js';
import type { LocalJob, RoleQueues } from './role-queues.js';

/** What an in-process worker needs from its bus. */
export interface InProcessWorkerContext {
  queues: RoleQueues;
  scheduler: InProcessScheduler;
  registry: AgentStatusRegistry;
  /** Attempts per task, counting the first. */
  attempts: number;
  /** Period of the worker's heartbeat, in ms. */
  heartbeatMs: number;
}

/** Starts a worker that takes the role's jobs from the in-process queues and runs `handler`. */
export async function startInProcessWorker(
  context: InProcessWorkerContext,
  role: WorkerRole,
  handler: TaskHandler,
  options: WorkOptions = {},
): Promise<WorkerHandle> {
  const agentId = options.agentId ?? `${role}-${randomUUID().slice(0, 8)}`;
  const concurrency = Math.max(1, options.concurrency ?? 1);
  const running = new Map<string, { job: LocalJob; controller: AbortController }>();
  const idle = new Set<() => void>();
  let closing = false;
  const heartbeat = await startWorkerHeartbeat({
    registry: context.registry,
    agentId,
    role,
    current: () => running.keys().next().value ?? null,
    periodMs: context.heartbeatMs,
    // The registry is in memory: every change is worth a beat.
    flipMs: 0,
    // An in-memory beat fails only on a malformed status, which these fields rule out.
    onError: () => {},
  });

  const run = async (job: LocalJob): Promise<void> => {
    const begun = context.scheduler.begin(job, agentId);
    if (!begun) return;
    const { controller } = begun;
    const key = `${job.runId}/${job.taskId}`;
    running.set(key, { job, controller });
    heartbeat.changed();
    let outcome: AttemptOutcome;
    try {
      outcome = { returned: await handler(begun.job, { signal: controller.signal, agentId }) };
    } catch (error) {
      outcome = { threw: error };
    }
    // Aborted: cancelled with its run, or handed back by a forced close; nothing to record.
    if (!controller.signal.aborted) {
      const settlement = settleAttempt(outcome, {
        runId: job.runId,
        task: begun.job.task,
        attempt: job.attempt,
        attempts: context.attempts,
      });
      context.scheduler.settle(job, begun.role, settlement, agentId);
    }
    running.delete(key);
    context.scheduler.release(job, controller);
    heartbeat.changed();
    if (running.size === 0) for (const done of idle) done();
    pull();
  };

  const pull = () => {
    while (!closing && running.size < concurrency) {
      const job = context.queues.take(role);
      if (!job) return;
      void run(job);
    }
  };
  const stopConsuming = context.queues.consume(role, pull);
  pull();

  let stopped = false;
  const close = async (force: boolean) => {
    if (!closing) {
      closing = true;
      await heartbeat.stopping();
    }
    if (force) {
      // Hand running tasks back: abort them and requeue at the front with the same attempt.
      for (const { job, controller } of running.values()) {
        controller.abort(new Error('worker shut down'));
        context.scheduler.handBack(job, role);
      }
    }
    // A forced close does not wait: the tasks are already back on the queue.
    if (!force && running.size > 0) await new Promise<void>((resolve) => idle.add(resolve));
    if (stopped) return;
    stopped = true;
    stopConsuming();
    await heartbeat.stop();
    context.queues.wake(role);
  };
  return { agentId, close: (closeOptions) => close(closeOptions?.force ?? false) };
}
