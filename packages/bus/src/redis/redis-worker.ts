import { randomUUID } from 'node:crypto';
import { KEY_PREFIX, oneLine, queueName, resultSchema, type WorkerRole } from '@codegod/protocol';
import { type Job, UnrecoverableError, WaitingError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { AgentStatusRegistry } from '../agent-status.js';
import type { TaskHandler, WorkerHandle, WorkOptions } from '../task-bus.js';
import { errorMessage, failureResult, isNonRetryable } from '../task-failure.js';
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

/** The shortest gap between two heartbeats caused by idle/busy flips. */
const FLIP_BEAT_MS = 100;

/** Why a handler's signal was aborted. */
const SHUTDOWN = 'worker shutting down';

/** Starts a BullMQ worker on the role's queue that runs `handler` and records its results. */
export async function startRedisWorker(
  context: RedisWorkerContext,
  role: WorkerRole,
  handler: TaskHandler,
  options: WorkOptions = {},
): Promise<WorkerHandle> {
  const agentId = options.agentId ?? `${role}-${randomUUID().slice(0, 8)}`;
  const mine = new Map<string, AbortController>();
  let state: 'idle' | 'busy' | 'stopping' = 'idle';
  let gone = false;
  let reported = '';
  const beat = async () => {
    if (gone) return;
    const [current] = mine.keys();
    reported = state === 'stopping' ? 'stopping' : current ? 'busy' : 'idle';
    await context.registry.beat({
      agent_id: agentId,
      role,
      state: reported as 'idle' | 'busy' | 'stopping',
      current_task: current ?? null,
      last_seen: Date.now(),
      pid: process.pid,
    });
  };
  const safeBeat = () => void beat().catch(context.onError);
  // Between periodic beats, write when idle/busy flips, at most every FLIP_BEAT_MS: a write
  // per task would cost more than a short task itself. `current_task` may lag by a period.
  let flipTimer: NodeJS.Timeout | undefined;
  const beatIfChanged = () => {
    if (flipTimer) return;
    flipTimer = setTimeout(() => {
      flipTimer = undefined;
      const now = state === 'stopping' ? 'stopping' : mine.size > 0 ? 'busy' : 'idle';
      if (now !== reported) safeBeat();
    }, FLIP_BEAT_MS);
    flipTimer.unref();
  };

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
    beatIfChanged();
    // A task that returned a failure ends as a failed job, so Bull Board and the queue counts
    // agree with the metrics (a completed job would read as green).
    let returnedFailure: string | undefined;
    try {
      const output = await handler(
        { runId, task, attempt, dependencies },
        { signal: controller.signal, agentId },
      );
      const result = resultSchema.safeParse(output);
      const recorded = result.success
        ? result.data
        : failureResult(`the handler returned an invalid Result: ${result.error.message}`);
      await context.store.recordResult(runId, task, generation, recorded, agentId);
      if (!recorded.success) returnedFailure = recorded.output;
    } catch (error) {
      if (controller.signal.reason === SHUTDOWN && token) {
        // Hand the task back now rather than waiting for the lock to expire.
        await job.moveToWait(token);
        throw new WaitingError();
      }
      if (controller.signal.aborted) return; // cancelled: nothing to record
      const message = errorMessage(error);
      const final = isNonRetryable(error) || attempt >= (job.opts.attempts ?? 1);
      if (final) {
        const why = isNonRetryable(error)
          ? 'failed without retry'
          : `failed after ${attempt} attempts`;
        await context.store.recordResult(
          runId,
          task,
          generation,
          failureResult(`${why}: ${message}`),
          agentId,
        );
        throw new UnrecoverableError(message);
      }
      await context.store.count('retried', 1);
      await context.store.appendEvents(runId, [
        {
          type: 'task-retry',
          run_id: runId,
          ts: Date.now(),
          task_id: task.id,
          role,
          attempt: attempt + 1,
          reason: message,
        },
      ]);
      throw error;
    } finally {
      mine.delete(key);
      forRun.delete(controller);
      if (forRun.size === 0 && context.running.get(runId) === forRun) context.running.delete(runId);
      beatIfChanged();
    }
    if (returnedFailure !== undefined) {
      // Not retried: the agent already spent its iterations; the master decides what next.
      throw new UnrecoverableError(oneLine(returnedFailure || 'the task failed', 500));
    }
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
  await beat();
  const timer = setInterval(safeBeat, context.heartbeatMs);
  timer.unref();

  let closing: Promise<void> | undefined;
  return {
    agentId,
    close(closeOptions = {}) {
      if (closeOptions.force) for (const controller of mine.values()) controller.abort(SHUTDOWN);
      closing ??= (async () => {
        state = 'stopping';
        await beat().catch(context.onError);
        await worker.close();
        clearInterval(timer);
        clearTimeout(flipTimer);
        gone = true;
        await context.registry.remove(agentId);
      })();
      return closing;
    },
  };
}
