import { defineSettings, intSetting, type SettingValues } from '@codegod/config';
import {
  KEY_PREFIX,
  queueName,
  type Result,
  type RunEvent,
  redisKeys,
  runEventSchema,
  WORKER_ROLES,
  type WorkerRole,
} from '@codegod/protocol';
import type { JobsOptions, Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { z } from 'zod';
import type { AgentStatus } from './agent-status.js';
import { BusClosedError } from './errors/bus-closed-error.js';
import { InvalidRunChangeError } from './errors/invalid-run-change-error.js';
import { RunExistsError } from './errors/run-exists-error.js';
import { RunNotFoundError } from './errors/run-not-found-error.js';
import { bullmq, loadBullmq } from './redis/bullmq-module.js';
import {
  BUS_CHANNEL,
  BUS_CONTROL_CHANNEL,
  type BusMessage,
  busMessageSchema,
} from './redis/bus-message.js';
import { generationJobId } from './redis/job-payload.js';
import { type LostJobWatch, watchLostJobs } from './redis/lost-job-watch.js';
import { preloadBusScripts } from './redis/lua-scripts.js';
import { RedisAgentStatusRegistry } from './redis/redis-agent-status-registry.js';
import { tailRunEvents } from './redis/redis-event-tail.js';
import { RedisRunStore } from './redis/redis-run-store.js';
import { RedisScheduler } from './redis/redis-scheduler.js';
import { startRedisWorker } from './redis/redis-worker.js';
import { replanEvent, taskSkipEvent } from './run-events.js';
import { snapshotFromCore } from './run-snapshot.js';
import { SchedulerCore } from './scheduler-core.js';
import type {
  RunExtension,
  RunSnapshot,
  RunSpec,
  TaskBus,
  TaskHandler,
  WorkerHandle,
  WorkOptions,
} from './task-bus.js';
import { type TaskMetrics, taskMetricsSchema } from './task-metrics.js';
import { type RunPeek, waitForRunState } from './wait-for-run.js';

/** How many jobs one role's queue holds, by state. */
export interface QueueDepth {
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
}

/** Settings of the Redis bus. Options win over environment variables. */
export interface RedisTaskBusOptions {
  /** `redis://host:port`. Env `REDIS_URL`. Required. */
  redisUrl?: string;
  /** Run the scheduler here (the master does; agents do not). Env `CODEGOD_BUS_SCHEDULER`. Default: false. */
  scheduler?: boolean;
  /** Attempts per task, counting the first. Env `CODEGOD_TASK_ATTEMPTS`. Default: 3. */
  attempts?: number;
  /** Exponential backoff base before the 2nd attempt. Env `CODEGOD_TASK_BACKOFF_MS`. Default: 200. */
  backoffMs?: number;
  /**
   * A running task's lock; renewed every half of it while the worker lives, so a SIGKILLed
   * worker's task is free again after at most this long. Env `CODEGOD_LOCK_DURATION_MS`.
   * Default: 15000.
   */
  lockDurationMs?: number;
  /** How often workers look for stalled tasks. Env `CODEGOD_STALLED_INTERVAL_MS`. Default: 5000. */
  stalledIntervalMs?: number;
  /** Stalls before BullMQ gives a task up. Env `CODEGOD_MAX_STALLED_COUNT`. Default: 2. */
  maxStalledCount?: number;
  /** Worker heartbeat period. Env `CODEGOD_HEARTBEAT_MS`. Default: 5000. */
  heartbeatMs?: number;
  /** A heartbeat older than this is a dead worker. Env `CODEGOD_AGENT_TTL_MS`. Default: 30000. */
  agentTtlMs?: number;
  /**
   * Seconds BullMQ keeps finished jobs. Keeping them makes a late duplicate enqueue a no-op
   * (the results hash guards the rest). Env `CODEGOD_KEEP_JOBS_S`. Default: 86400.
   */
  keepJobsSeconds?: number;
  /** Called with background errors (scheduler, heartbeats). Default: print to stderr. */
  onError?: (error: unknown) => void;
  /** Where settings not given as options are read from. Default: `process.env`. */
  env?: Record<string, string | undefined>;
}

const SETTINGS = defineSettings({
  redisUrl: {
    env: 'REDIS_URL',
    schema: z
      .string({ error: 'set a redis:// URL' })
      .regex(/^rediss?:\/\//, 'expected a URL starting with redis:// or rediss://'),
  },
  scheduler: {
    env: 'CODEGOD_BUS_SCHEDULER',
    schema: z.stringbool().or(z.boolean()).default(false),
  },
  attempts: { env: 'CODEGOD_TASK_ATTEMPTS', schema: intSetting(1, 3) },
  backoffMs: { env: 'CODEGOD_TASK_BACKOFF_MS', schema: intSetting(0, 200) },
  lockDurationMs: { env: 'CODEGOD_LOCK_DURATION_MS', schema: intSetting(100, 15_000) },
  stalledIntervalMs: { env: 'CODEGOD_STALLED_INTERVAL_MS', schema: intSetting(50, 5_000) },
  maxStalledCount: { env: 'CODEGOD_MAX_STALLED_COUNT', schema: intSetting(0, 2) },
  heartbeatMs: { env: 'CODEGOD_HEARTBEAT_MS', schema: intSetting(10, 5_000) },
  agentTtlMs: { env: 'CODEGOD_AGENT_TTL_MS', schema: intSetting(10, 30_000) },
  keepJobsSeconds: { env: 'CODEGOD_KEEP_JOBS_S', schema: intSetting(1, 86_400) },
});

type Settings = SettingValues<typeof SETTINGS.specs>;

/**
 * Creates a TaskBus on BullMQ and Redis: one queue per role under the prefix `codegod`, run
 * state in Redis hashes and streams. Throws ConfigError on bad settings.
 */
export async function createRedisTaskBus(options: RedisTaskBusOptions = {}): Promise<RedisTaskBus> {
  const settings = SETTINGS.resolve(options, options.env);
  const bus = new RedisTaskBus(settings, options.onError ?? ((error) => console.error(error)));
  await bus.start();
  return bus;
}

/** The TaskBus adapter for the fleet: master and workers in separate processes share Redis. */
export class RedisTaskBus implements TaskBus {
  private readonly redis: Redis;
  private readonly subscriber: Redis;
  private readonly store: RedisRunStore;
  private readonly registry: RedisAgentStatusRegistry;
  private readonly queues = new Map<WorkerRole, Queue>();
  private readonly scheduler: RedisScheduler | undefined;
  private readonly listeners = new Set<(event: RunEvent) => void>();
  /** Internal listeners that need only task-end, task-skip and run-end events. */
  private readonly endListeners = new Set<(event: RunEvent) => void>();
  private readonly running = new Map<string, Set<AbortController>>();
  private readonly workers = new Set<WorkerHandle>();
  private lostJobs: LostJobWatch | undefined;
  /** Stops of the running `tailEvents`. */
  private readonly tails = new Set<() => void>();
  private eventsSubscribed: Promise<void> | undefined;
  private lastCreatedAt = 0;
  /** Set when `close` begins. */
  private closing: Promise<void> | undefined;

  /** Use `createRedisTaskBus`, which validates settings and connects. */
  constructor(
    private readonly settings: Settings,
    private readonly onError: (error: unknown) => void,
  ) {
    this.redis = new Redis(settings.redisUrl, { maxRetriesPerRequest: null });
    this.subscriber = new Redis(settings.redisUrl, { maxRetriesPerRequest: null });
    this.redis.on('error', onError);
    this.subscriber.on('error', onError);
    this.store = new RedisRunStore(this.redis);
    this.registry = new RedisAgentStatusRegistry(this.redis, settings.agentTtlMs);
    const jobOptions: JobsOptions = {
      attempts: settings.attempts,
      backoff: { type: 'exponential', delay: settings.backoffMs },
      removeOnComplete: { age: settings.keepJobsSeconds },
      removeOnFail: { age: settings.keepJobsSeconds },
    };
    this.scheduler = settings.scheduler
      ? new RedisScheduler(this.store, (role) => this.queue(role), jobOptions, onError)
      : undefined;
  }

  /**
   * Subscribes to the control channel, and to the event channel when scheduling (else on the
   * first listener), and, when scheduling, resumes running runs.
   */
  async start(): Promise<void> {
    this.subscriber.on('message', (_channel: string, text: string) => this.receive(text));
    await this.subscriber.subscribe(BUS_CONTROL_CHANNEL);
    const scheduler = this.scheduler;
    if (!scheduler) return;
    await loadBullmq();
    await this.subscribeEvents();
    // Pub/sub drops what was published while this connection was down (a Redis restart): on
    // each reconnect, subscribe again, then re-read every running run so no result is missed.
    this.subscriber.on('ready', () => {
      this.subscriber
        .subscribe(BUS_CONTROL_CHANNEL, BUS_CHANNEL)
        .then(() => scheduler.resumeAll())
        .catch(this.onError);
    });
    await preloadBusScripts(this.redis);
    // BullMQ fails a job that stalled too often without calling our code: the scheduler records it.
    this.lostJobs = watchLostJobs({
      redis: this.redis,
      queue: (role) => this.queue(role),
      intervalMs: this.settings.stalledIntervalMs,
      onFailed: (role, jobId, reason) => scheduler.recordLostJob(role, jobId, reason),
      onError: this.onError,
    });
    await scheduler.resumeAll();
  }

  async startRun(spec: RunSpec): Promise<void> {
    // Building the core validates the graph before anything is written.
    const acceptance = spec.acceptance ?? [];
    const core = new SchedulerCore(spec.graph.tasks, {
      holdOnFailure: spec.holdOnFailure,
      holdOnSuccess: acceptance.length > 0,
    });
    this.lastCreatedAt = Math.max(Date.now(), this.lastCreatedAt + 1);
    const createdAt = this.lastCreatedAt;
    if (!(await this.store.createRun(spec, createdAt))) throw new RunExistsError(spec.runId);
    if (!this.scheduler) return this.store.control('reload', spec.runId);
    await this.scheduler.adopt({
      runId: spec.runId,
      problem: spec.problem,
      acceptance,
      createdAt,
      state: 'running',
      reason: '',
      replans: 0,
      core,
      timings: new Map(),
      queuedMarked: new Set(),
      skipMarked: new Set(),
    });
  }

  async extendRun(runId: string, extension: RunExtension): Promise<void> {
    const run = await this.mustLoad(runId);
    if (run.state !== 'running') throw new InvalidRunChangeError(`run "${runId}" has ended`);
    run.core.extend(extension);
    const round = run.replans + 1;
    await this.store.saveExtension(
      runId,
      run.core,
      extension.retry.map((r) => r.taskId),
      round,
    );
    await this.store.count('submitted', extension.add.length + extension.retry.length);
    await this.store.appendEvents(runId, [replanEvent(runId, round, extension.reason)]);
    await this.refresh(runId);
  }

  async finishRun(
    runId: string,
    state: 'succeeded' | 'failed' | 'cancelled',
    reason: string,
  ): Promise<void> {
    const run = await this.mustLoad(runId);
    if (run.state !== 'running' || !(await this.store.endRun(runId, state, reason))) return;
    await loadBullmq();
    const changed = run.core.finish(state, reason);
    const skipped = changed.filter((n) => n.state === 'skipped');
    await this.store.appendEvents(
      runId,
      skipped.map((n) => taskSkipEvent(runId, n.task, reason)),
    );
    await this.store.count('skipped', skipped.length);
    await this.store.count('cancelled', changed.length - skipped.length);
    // Waiting jobs go away; active ones are locked and stop when the cancel reaches them.
    await Promise.all(
      changed.map((n) =>
        this.queue(n.task.role)
          .remove(generationJobId(runId, n.task.id, n.generation))
          .catch(() => 0),
      ),
    );
    await this.store.control('cancel', runId);
  }

  async cancelRun(runId: string, reason: string): Promise<void> {
    await this.finishRun(runId, 'cancelled', reason);
  }

  async getRun(runId: string): Promise<RunSnapshot | undefined> {
    const run = await this.store.loadRun(runId);
    return run && snapshotFromCore(run, run.core, (id) => run.timings.get(id));
  }

  async listRuns() {
    const ids = await this.store.listRunIds();
    const summaries = await Promise.all(ids.map((id) => this.store.readRunSummary(id)));
    return ids.flatMap((runId, i) => {
      const run = summaries[i];
      if (!run) return [];
      const item = { runId, problem: run.problem, state: run.state, reason: run.reason };
      return [{ ...item, createdAt: run.created_at, endedAt: run.ended_at }];
    });
  }

  async appendEvent(event: RunEvent): Promise<void> {
    const parsed = runEventSchema.parse(event);
    await this.store.appendEvents(parsed.run_id, [parsed]);
  }

  readEvents(runId: string): Promise<RunEvent[]> {
    return this.store.readEvents(runId);
  }

  subscribe(listener: (event: RunEvent) => void): () => void {
    this.subscribeEvents().catch(this.onError);
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  tailEvents(runId: string, listener: (event: RunEvent) => void): () => void {
    const stop = tailRunEvents(this.redis, runId, listener);
    this.tails.add(stop);
    return () => {
      this.tails.delete(stop);
      stop();
    };
  }

  eventCount(runId: string): Promise<number> {
    return this.store.eventCount(runId);
  }

  async waitForRun(runId: string, options: { signal?: AbortSignal; untilReplan?: boolean } = {}) {
    // Listening before the first look, so a run that ends in between is not missed.
    await this.subscribeEvents();
    const waiter = { getRun: (id: string) => this.getRun(id), subscribe: this.subscribeEnds };
    // The master holds its runs' cores in memory: a task end costs no Redis read there.
    const peek = async (id: string): Promise<RunPeek | undefined> => {
      const held = await this.scheduler?.peek(id);
      if (held) {
        return {
          state: held.state,
          awaitingMaster: held.awaitingReplan || held.awaitingAcceptance,
        };
      }
      const state = (await this.store.readRunSummary(id))?.state;
      return state && { state, awaitingMaster: undefined };
    };
    return waitForRunState(waiter, runId, { ...options, peek });
  }

  async work(role: WorkerRole, handler: TaskHandler, options: WorkOptions = {}) {
    const context = {
      ...this.settings,
      connection: this.redis,
      store: this.store,
      registry: this.registry,
      running: this.running,
      onError: this.onError,
    };
    const handle = await startRedisWorker(context, role, handler, options);
    this.workers.add(handle);
    return {
      agentId: handle.agentId,
      close: async (closeOptions?: { force?: boolean }) => {
        await handle.close(closeOptions);
        this.workers.delete(handle);
      },
    };
  }

  /**
   * Records a task's result as a worker does; the first completion wins, across processes.
   * Returns false when it was ignored. Exposed for tests that simulate a second worker.
   */
  async recordResult(runId: string, taskId: string, result: Result, agentId: string) {
    const node = (await this.mustLoad(runId)).core.get(taskId);
    if (!node) return false;
    return this.store.recordResult(runId, node.task, node.generation, result, agentId);
  }

  async metrics(): Promise<TaskMetrics> {
    return taskMetricsSchema.parse(await this.redis.hgetall(redisKeys.metricsTasks()));
  }

  /** Jobs per role queue: waiting (incl. prioritized), active, delayed and failed. */
  async queueDepths(): Promise<Record<WorkerRole, QueueDepth>> {
    await loadBullmq();
    const entries = await Promise.all(
      WORKER_ROLES.map(async (role) => {
        const counts = await this.queue(role).getJobCounts(
          'waiting',
          'prioritized',
          'active',
          'delayed',
          'failed',
        );
        const depth: QueueDepth = {
          waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0),
          active: counts.active ?? 0,
          delayed: counts.delayed ?? 0,
          failed: counts.failed ?? 0,
        };
        return [role, depth] as const;
      }),
    );
    return Object.fromEntries(entries) as Record<WorkerRole, QueueDepth>;
  }

  agents(): Promise<AgentStatus[]> {
    return this.registry.list();
  }

  /** Idempotent; once it has begun, asking for a role's queue throws BusClosedError. */
  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    for (const stop of this.tails) stop();
    await Promise.all([...this.workers].map((worker) => worker.close({ force: true })));
    await this.scheduler?.idle();
    await this.lostJobs?.stop();
    await Promise.all([...this.queues.values()].map((queue) => queue.close()));
    await Promise.all([this.subscriber.quit(), this.redis.quit()].map((p) => p.catch(() => {})));
  }

  /** The role's queue; BullMQ must be loaded (see loadBullmq). */
  private queue(role: WorkerRole): Queue {
    let queue = this.queues.get(role);
    if (!queue) {
      // A queue made now would be on a connection about to quit, and never closed.
      if (this.closing) throw new BusClosedError();
      const { Queue } = bullmq();
      queue = new Queue(queueName(role), { connection: this.redis, prefix: KEY_PREFIX });
      queue.on('error', this.onError);
      this.queues.set(role, queue);
    }
    return queue;
  }

  private async mustLoad(runId: string) {
    const run = await this.store.loadRun(runId);
    if (!run) throw new RunNotFoundError(runId);
    return run;
  }

  /** Gets the scheduler to (re)read a run: directly when it runs here, else by message. */
  private async refresh(runId: string): Promise<void> {
    if (this.scheduler) await this.scheduler.refresh(runId);
    else await this.store.control('reload', runId);
  }

  private readonly subscribeEnds = (listener: (event: RunEvent) => void) => {
    this.endListeners.add(listener);
    return () => this.endListeners.delete(listener);
  };

  /** Subscribes to the event channel once; a bus that only works never does. */
  private subscribeEvents(): Promise<void> {
    this.eventsSubscribed ??= this.subscriber.subscribe(BUS_CHANNEL).then(
      () => {},
      (error: unknown) => {
        this.eventsSubscribed = undefined; // the next caller tries again
        throw error;
      },
    );
    return this.eventsSubscribed;
  }

  /** Whether anyone here reads events of this type, so it is worth validating. */
  private wants(type: unknown): boolean {
    if (this.listeners.size > 0) return true;
    if (type === 'task-end' || type === 'run-end')
      return this.scheduler !== undefined || this.endListeners.size > 0;
    return type === 'task-skip' && this.endListeners.size > 0;
  }

  private receive(text: string): void {
    let message: BusMessage;
    try {
      const raw: unknown = JSON.parse(text);
      // Validating events nobody here reads (most are task-queue and task-start) would cost
      // more CPU than the scheduling itself.
      const event = (raw as { event?: { type?: unknown } } | null)?.event;
      if (event && !this.wants(event.type)) return;
      message = busMessageSchema.parse(raw);
    } catch (error) {
      this.onError(error);
      return;
    }
    this.scheduler?.handle(message);
    if ('control' in message) {
      if (message.control === 'cancel') {
        for (const controller of this.running.get(message.run_id) ?? [])
          controller.abort('cancelled');
      }
      return;
    }
    const ending = ['task-end', 'task-skip', 'run-end'].includes(message.event.type);
    for (const listener of ending ? [...this.listeners, ...this.endListeners] : this.listeners) {
      try {
        listener(message.event);
      } catch {
        // A listener's bug must not stop the bus.
      }
    }
  }
}
