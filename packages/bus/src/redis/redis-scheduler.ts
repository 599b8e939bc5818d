import type { RunEvent, Task, WorkerRole } from '@codegod/protocol';
import type { JobsOptions, Queue } from 'bullmq';
import { taskQueueEvent, taskSkipEvent } from '../run-events.js';
import type { CoreStatus, SkippedTask } from '../scheduler-core.js';
import { failureResult } from '../task-failure.js';
import { bullmq } from './bullmq-module.js';
import type { BusMessage } from './bus-message.js';
import { generationJobId, type JobPayload, jobPayloadSchema } from './job-payload.js';
import type { RedisRunStore, StoredRun } from './redis-run-store.js';

type TaskEnd = Extract<RunEvent, { type: 'task-end' }>;

/**
 * The master's half of the Redis bus: keeps each running run's core in memory, turns
 * recorded results into enqueued dependents, and ends runs. On start it re-reads every
 * running run from Redis and re-enqueues what is ready; duplicate job ids make that safe.
 */
export class RedisScheduler {
  private readonly active = new Map<string, StoredRun>();
  /** Per-run promise chains: one change to a run at a time, in arrival order. */
  private readonly chains = new Map<string, Promise<void>>();
  /**
   * Results that arrived while the run's chain was busy. They are applied together, so one
   * round trip enqueues the dependents of many results.
   */
  private readonly pending = new Map<string, { event: TaskEnd; generation: number }[]>();

  constructor(
    private readonly store: RedisRunStore,
    private readonly queue: (role: WorkerRole) => Queue,
    private readonly jobOptions: JobsOptions,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Resumes every run Redis says is running. */
  async resumeAll(): Promise<void> {
    const ids = await this.store.listRunIds();
    for (const runId of ids) {
      const summary = await this.store.readRunSummary(runId);
      if (summary?.state === 'running') await this.serialize(runId, () => this.reload(runId));
    }
  }

  /**
   * Takes over a run this process just created, from its spec rather than by re-reading it:
   * for a new run the two are the same, and reading a large graph back costs time.
   */
  adopt(run: StoredRun): Promise<void> {
    return this.serialize(run.runId, async () => {
      this.active.set(run.runId, run);
      await this.enqueue(run, run.core.ready());
      await this.endIfDone(run);
    });
  }

  /**
   * The run's status from the in-memory core, once the changes queued for it are applied; no
   * Redis read. Undefined when this scheduler does not hold the run.
   */
  async peek(runId: string): Promise<CoreStatus | undefined> {
    for (let chain = this.chains.get(runId); chain; chain = this.chains.get(runId)) {
      await chain.catch(() => {});
      if (this.chains.get(runId) === chain) break;
    }
    return this.active.get(runId)?.core.status();
  }

  /** Re-reads one run, after the changes already queued for it. */
  refresh(runId: string): Promise<void> {
    return this.serialize(runId, () => this.reload(runId));
  }

  /** Reacts to one bus message. */
  handle(message: BusMessage): void {
    if ('control' in message) {
      if (message.control === 'reload')
        this.schedule(message.run_id, () => this.reload(message.run_id));
      else this.schedule(message.run_id, async () => void this.active.delete(message.run_id));
      return;
    }
    const { event } = message;
    if (event.type === 'task-end') {
      const batch = this.pending.get(event.run_id);
      const item = { event, generation: message.generation ?? 0 };
      if (batch) return void batch.push(item);
      this.pending.set(event.run_id, [item]);
      this.schedule(event.run_id, () => this.applyResults(event.run_id));
    } else if (event.type === 'run-end') {
      this.schedule(event.run_id, async () => void this.active.delete(event.run_id));
    }
  }

  /** Resolves once every queued change has been applied. */
  async idle(): Promise<void> {
    while (this.chains.size > 0) await Promise.all(this.chains.values());
  }

  /** Re-reads the run and enqueues whatever is ready and not yet recorded. */
  async reload(runId: string): Promise<void> {
    const run = await this.store.loadRun(runId);
    if (run?.state !== 'running') {
      this.active.delete(runId);
      return;
    }
    this.active.set(runId, run);
    // Re-add every task that may have a job: a no-op for jobs that exist, a rescue for one
    // whose enqueue was cut short by a crash.
    const live = run.core
      .tasks()
      .filter((n) => n.state === 'queued' || n.state === 'running')
      .map((n) => n.task);
    await this.enqueue(run, [...run.core.ready(), ...live]);
    await this.recoverLostJobs(run, live);
    const skipped = run.core
      .tasks()
      .filter((n) => n.state === 'skipped' && !run.skipMarked.has(n.task.id))
      .map((n) => ({ taskId: n.task.id, reason: n.reason ?? 'skipped' }));
    await this.skip(run, skipped);
    await this.endIfDone(run);
  }

  /**
   * BullMQ fails a job that stalled more than `maxStalledCount` times inside Redis, without
   * calling any worker, so nobody would record a result and the run would wait forever.
   * The scheduler records the failure instead (a no-op if a result exists).
   */
  async recordLostJob(role: WorkerRole, jobId: string, failedReason: string): Promise<void> {
    if (!failedReason.includes('stalled')) return; // workers record their own failures
    const job = await bullmq().Job.fromId(this.queue(role), jobId);
    const payload = jobPayloadSchema.safeParse(job?.data);
    if (!payload.success) return;
    const { run_id: runId, task, generation } = payload.data;
    const reason = `the worker running it died too often (${failedReason}); check the ${role} agents' logs`;
    await this.store.recordResult(runId, task, generation, failureResult(reason), 'bus-scheduler');
  }

  /** Catches jobs BullMQ failed for stalling while no scheduler was watching. */
  private async recoverLostJobs(run: StoredRun, live: Task[]): Promise<void> {
    await Promise.all(
      live.map(async (task) => {
        const id = generationJobId(run.runId, task.id, run.core.get(task.id)!.generation);
        const job = await bullmq().Job.fromId(this.queue(task.role), id);
        if (job && (await job.isFailed())) {
          await this.recordLostJob(task.role, id, job.failedReason ?? '');
        }
      }),
    );
  }

  private schedule(runId: string, change: () => Promise<void>): void {
    void this.serialize(runId, change).catch(this.onError);
  }

  private serialize(runId: string, change: () => Promise<void>): Promise<void> {
    const previous = this.chains.get(runId) ?? Promise.resolve();
    const next = previous.then(change, change);
    const tracked = next.finally(() => {
      if (this.chains.get(runId) === tracked) this.chains.delete(runId);
    });
    this.chains.set(runId, tracked);
    return next;
  }

  private async applyResults(runId: string) {
    const batch = this.pending.get(runId) ?? [];
    this.pending.delete(runId);
    const run = this.active.get(runId);
    // Not loaded (e.g. started elsewhere): a reload replays these results from Redis.
    if (!run) return this.reload(runId);
    const ready: Task[] = [];
    const skipped: SkippedTask[] = [];
    for (const { event, generation } of batch) {
      const node = run.core.get(event.task_id);
      if (!node || node.generation !== generation) continue;
      run.core.markQueued([event.task_id]);
      const outcome = run.core.recordResult(event.task_id, event.result, event.agent_id);
      ready.push(...outcome.newlyReady);
      skipped.push(...outcome.skipped);
    }
    await this.enqueue(run, ready);
    await this.skip(run, skipped);
    await this.endIfDone(run);
  }

  private async enqueue(run: StoredRun, tasks: Task[]): Promise<void> {
    if (tasks.length === 0) return;
    const now = Date.now();
    const events: RunEvent[] = [];
    const markers: [string, string][] = [];
    const byRole = new Map<WorkerRole, Parameters<Queue['addBulk']>[0]>();
    for (const task of tasks) {
      const node = run.core.get(task.id)!;
      if (!run.queuedMarked.has(task.id)) {
        run.queuedMarked.add(task.id);
        const marker = JSON.stringify({ generation: node.generation, queued_at: now });
        markers.push([`${task.id}#queued`, marker]);
        events.push(taskQueueEvent(run.runId, task, now));
      }
      const data: JobPayload = {
        run_id: run.runId,
        task: node.task,
        generation: node.generation,
        dependencies: Object.fromEntries(
          node.task.depends_on.map((id) => [id, run.core.get(id)!.result!]),
        ),
      };
      const jobs = byRole.get(task.role) ?? [];
      jobs.push({
        name: task.id,
        data,
        opts: { ...this.jobOptions, jobId: generationJobId(run.runId, task.id, node.generation) },
      });
      byRole.set(task.role, jobs);
    }
    run.core.markQueued(tasks.map((t) => t.id));
    // Not awaited one after the other: both go out on the same connection, events first,
    // and Redis runs a connection's commands in order, so a task-start still never precedes
    // its task-queue in the stream; waiting for the reply would add a round trip per hop.
    await Promise.all([
      this.store.appendEvents(run.runId, events, markers),
      ...[...byRole].map(([role, jobs]) => this.add(this.queue(role), jobs)),
    ]);
  }

  /**
   * Adds jobs to a queue. A lone job (every hop of a chain) goes without addBulk's pipeline:
   * ioredis copies every script defined on the connection (BullMQ's and the bus's) into each
   * pipeline it builds, which cost the master more than the rest of the task end.
   */
  private async add(queue: Queue, jobs: Parameters<Queue['addBulk']>[0]): Promise<void> {
    const [only] = jobs;
    if (jobs.length === 1 && only) await queue.add(only.name, only.data, only.opts);
    else await queue.addBulk(jobs);
  }

  private async skip(run: StoredRun, skipped: SkippedTask[]): Promise<void> {
    if (skipped.length === 0) return;
    const now = Date.now();
    const events: RunEvent[] = [];
    const markers: [string, string][] = [];
    for (const { taskId, reason } of skipped) {
      const node = run.core.get(taskId)!;
      run.skipMarked.add(taskId);
      markers.push([`${taskId}#skip`, String(node.generation)]);
      events.push(taskSkipEvent(run.runId, node.task, reason, now));
    }
    await this.store.appendEvents(run.runId, events, markers);
    await this.store.count('skipped', skipped.length);
  }

  private async endIfDone(run: StoredRun): Promise<void> {
    const status = run.core.status();
    if (status.state === 'running') return;
    await this.store.endRun(run.runId, status.state, status.reason);
    this.active.delete(run.runId);
  }
}
