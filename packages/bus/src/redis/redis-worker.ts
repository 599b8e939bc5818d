import { randomUUID } from 'node:crypto';
import { KEY_PREFIX, oneLine, queueName, type WorkerRole } from '@codegod/protocol';
import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { AgentStatusRegistry } from '../agent-status.js';
import { type AttemptOutcome, settleAttempt } from '../settle-attempt.js';
import type { TaskHandler, WorkerHandle, WorkOptions } from '../task-bus.js';
import { startWorkerHeartbeat, type WorkerHeartbeat } from '../worker-heartbeat.js';
import { loadBullmq } from './bullmq-module.js';
import { jobPayloadSchema } from './job-payload.js';
import type { RedisRunStore } from './redis-run-store.js';

/** What a Redis worker needs from its bus. */
export interface RedisWorkerContext {
  connection: Redis;
  store: RedisRunStore;
  registry: AgentStatusRegistry;
  /** Abort controllers of running tasks by run id, so a cancel reaches them. */
  running: Map<string, Set<AbortController>>;
  lockDurationMs: number;
  stalledIntervalMs: number;
  maxStalledCount: number;
  heartbeatMs: number;
  onError: (error: unknown) => void;
}

/** Why a handler's signal was aborted. */
const SHUTDOWN = 'worker shutting down';

/** Starts a BullMQ worker on the role's queue that runs `handler` and records its results. */
export async function startRedisWorker(
  context: RedisWorkerContext,
  role: WorkerRole,
  handler: TaskHandler,
  options: WorkOptions = {},
): Promise<WorkerHandle> {
  const { UnrecoverableError, WaitingError, Worker } = await loadBullmq();
  const agentId = options.agentId ?? `${role}-${randomUUID().slice(0, 8)}`;
  const mine = new Map<string, AbortController>();
  // Started once the BullMQ worker is ready; a job taken before that shows in the first beat.
  let heartbeat: WorkerHeartbeat | undefined;

  const process_ = async (job: Job, token?: string): Promise<void> => {
    const parsed = jobPayloadSchema.safeParse(job.data);
    if (!parsed.success) {
      const problem = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
      throw new UnrecoverableError(`malformed task job ${job.id}: ${problem.join('; ')}`);
    }
    const { run_id: runId, task, generation, dependencies } = parsed.data;
    const attempt = job.attemptsMade + 1;
    if (!(await context.store.startTask(runId, task, generation, attempt, agentId))) return;
    const controller = new AbortController();
    const key = `${runId}/${task.id}`;
    const forRun = context.running.get(runId) ?? new Set();
    context.running.set(runId, forRun.add(controller));
    mine.set(key, controller);
    heartbeat?.changed();
    let outcome: AttemptOutcome;
    try {
      outcome = {
        returned: await handler(
          { runId, task, attempt, dependencies },
          { signal: controller.signal, agentId },
        ),
      };
    } catch (error) {
      outcome = { threw: error };
    } finally {
      mine.delete(key);
      forRun.delete(controller);
      if (forRun.size === 0 && context.running.get(runId) === forRun) context.running.delete(runId);
      heartbeat?.changed();
    }
    if (controller.signal.reason === SHUTDOWN && token) {
      // Hand the task back now rather than waiting for the lock to expire.
      await job.moveToWait(token);
      throw new WaitingError();
    }
    if (controller.signal.aborted) return; // cancelled: nothing to record
    const settlement = settleAttempt(outcome, {
      runId,
      task,
      attempt,
      attempts: job.opts.attempts ?? 1,
    });
    if (settlement.kind === 'retry') {
      await context.store.count('retried', 1);
      await context.store.appendEvents(runId, [settlement.event]);
      // BullMQ runs the next attempt after its backoff.
      throw 'threw' in outcome ? outcome.threw : new Error(settlement.event.reason);
    }
    const { result } = settlement;
    await context.store.recordResult(runId, task, generation, result, agentId);
    // A failed task ends as a failed job, not retried, so Bull Board and the queue counts agree
    // with the metrics (a completed job would read as green).
    if (!result.success)
      throw new UnrecoverableError(oneLine(result.output || 'the task failed', 500));
  };

  const worker = new Worker(queueName(role), process_, {
    connection: context.connection,
    prefix: KEY_PREFIX,
    concurrency: Math.max(1, options.concurrency ?? 1),
    lockDuration: context.lockDurationMs,
    stalledInterval: context.stalledIntervalMs,
    maxStalledCount: context.maxStalledCount,
  });
  worker.on('error', context.onError);
  await worker.waitUntilReady();
  const started = await startWorkerHeartbeat({
    registry: context.registry,
    agentId,
    role,
    current: () => mine.keys().next().value ?? null,
    periodMs: context.heartbeatMs,
    onError: context.onError,
  });
  heartbeat = started;

  let closing: Promise<void> | undefined;
  return {
    agentId,
    close(closeOptions = {}) {
      if (closeOptions.force) for (const controller of mine.values()) controller.abort(SHUTDOWN);
      closing ??= (async () => {
        await started.stopping();
        await worker.close();
        await started.stop();
      })();
      return closing;
    },
  };
}
