import {
  acceptanceCheckSchema,
  type Result,
  type RunEvent,
  type RunState,
  redisKeys,
  resultSchema,
  runEventSchema,
  runStateSchema,
  type Task,
  taskSchema,
} from '@codegod/protocol';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { runEndEvent, runStartEvent, taskEndEvent, taskStartEvent } from '../run-events.js';
import type { RunMeta, TaskTimings } from '../run-snapshot.js';
import { failureReason, type PreviousFailure, SchedulerCore } from '../scheduler-core.js';
import type { RunSpec } from '../task-bus.js';
import { proofCounter, type TaskCounter } from '../task-metrics.js';
import { BUS_CHANNEL, BUS_CONTROL_CHANNEL } from './bus-message.js';
import { type BusScripts, defineBusScripts } from './lua-scripts.js';

const runSummarySchema = z.object({
  problem: z.string(),
  created_at: z.coerce.number(),
  ended_at: z.coerce.number().optional(),
  state: runStateSchema,
  reason: z.string().default(''),
  hold: z.enum(['0', '1']).default('0'),
  replans: z.coerce.number().int().default(0),
});
const SUMMARY_FIELDS = Object.keys(
  runSummarySchema.shape,
) as (keyof typeof runSummarySchema.shape)[];

const runHashSchema = runSummarySchema.extend({
  acceptance: z
    .string()
    .optional()
    .transform((text, context) => {
      if (text === undefined) return [];
      const parsed = z.array(acceptanceCheckSchema).safeParse(safeJson(text));
      if (parsed.success) return parsed.data;
      context.addIssue({ code: 'custom', message: 'run acceptance is not a check list' });
      return z.NEVER;
    }),
  graph: z.string().transform((text, context) => {
    const parsed = z.array(taskSchema).safeParse(safeJson(text));
    if (parsed.success) return parsed.data;
    context.addIssue({ code: 'custom', message: 'run graph is not a task list' });
    return z.NEVER;
  }),
});

/** A result as stored in the run's results hash. */
const resultRecordSchema = z.object({
  result: resultSchema,
  agent_id: z.string(),
  ended_at: z.number(),
});
const startRecordSchema = z.object({
  generation: z.number().int(),
  attempt: z.number().int(),
  agent_id: z.string(),
  started_at: z.number(),
});
const queuedRecordSchema = z.object({ generation: z.number().int(), queued_at: z.number() });

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function parseField<T>(schema: z.ZodType<T>, text: string | undefined): T | undefined {
  if (text === undefined) return undefined;
  const parsed = schema.safeParse(safeJson(text));
  return parsed.success ? parsed.data : undefined;
}

/** A run as read back from Redis, replayed into a fresh core. */
export interface StoredRun extends RunMeta {
  state: RunState;
  reason: string;
  replans: number;
  core: SchedulerCore;
  timings: Map<string, TaskTimings>;
  /** Tasks whose task-queue event was written for their current generation. */
  queuedMarked: Set<string>;
  /** Tasks whose task-skip event was written for their current generation. */
  skipMarked: Set<string>;
}

/**
 * Run state in Redis: `codegod:run:{id}` (hash), `:tasks` (hash of per-task markers),
 * `:results` (hash, HSETNX: the first completion wins), `:events` (stream), `codegod:runs`.
 */
export class RedisRunStore {
  private readonly scripts: BusScripts;

  constructor(private readonly redis: Redis) {
    this.scripts = defineBusScripts(redis);
  }

  /** Writes a new run; false when the id is taken. */
  async createRun(spec: RunSpec, createdAt: number): Promise<boolean> {
    const key = redisKeys.run(spec.runId);
    if ((await this.redis.hsetnx(key, 'created_at', String(createdAt))) === 0) return false;
    const event = runStartEvent(spec.runId, spec.problem, spec.graph.tasks.length, createdAt);
    await this.redis
      .multi()
      .hset(key, {
        problem: spec.problem,
        state: 'running',
        reason: '',
        hold: spec.holdOnFailure ? '1' : '0',
        acceptance: JSON.stringify(spec.acceptance ?? []),
        replans: '0',
        graph: JSON.stringify(spec.graph.tasks),
      })
      .zadd(redisKeys.runs(), createdAt, spec.runId)
      .hincrby(redisKeys.metricsTasks(), 'submitted', spec.graph.tasks.length)
      .exec();
    await this.appendEvents(spec.runId, [event]);
    return true;
  }

  /** Reads a run and replays its results into a core; undefined when unknown or unreadable. */
  async loadRun(runId: string): Promise<StoredRun | undefined> {
    const [runHash, taskHash, resultHash] = await Promise.all([
      this.redis.hgetall(redisKeys.run(runId)),
      this.redis.hgetall(redisKeys.runTasks(runId)),
      this.redis.hgetall(redisKeys.runResults(runId)),
    ]);
    const parsed = runHashSchema.safeParse(runHash);
    if (!parsed.success) return undefined;
    const run = parsed.data;
    const generations: Record<string, number> = {};
    for (const task of run.graph) {
      const generation = Number(taskHash[`${task.id}#gen`] ?? 0);
      if (generation > 0) generations[task.id] = generation;
    }
    // A retried task whose retry never ran is reported as the failure it had.
    const previous: Record<string, PreviousFailure> = {};
    for (const [id, generation] of Object.entries(generations)) {
      const record = parseField(resultRecordSchema, resultHash[`${id}#${generation - 1}`]);
      if (!record || record.result.success) continue;
      previous[id] = {
        result: record.result,
        reason: failureReason(id, record.result),
        agentId: record.agent_id,
      };
    }
    const core = new SchedulerCore(run.graph, {
      holdOnFailure: run.hold === '1',
      holdOnSuccess: run.acceptance.length > 0,
      generations,
      previous,
    });
    const results = new Map<string, z.infer<typeof resultRecordSchema>>();
    for (const task of run.graph) {
      const field = `${task.id}#${generations[task.id] ?? 0}`;
      const record = parseField(resultRecordSchema, resultHash[field]);
      if (record) results.set(task.id, record);
    }
    replay(core, results);
    const timings = new Map<string, TaskTimings>();
    const queuedMarked = new Set<string>();
    const skipMarked = new Set<string>();
    for (const node of core.tasks()) {
      const id = node.task.id;
      const queued = parseField(queuedRecordSchema, taskHash[`${id}#queued`]);
      const start = parseField(startRecordSchema, taskHash[`${id}#start`]);
      const current = (record?: { generation: number }) => record?.generation === node.generation;
      if (current(queued)) queuedMarked.add(id);
      if (taskHash[`${id}#skip`] === String(node.generation)) skipMarked.add(id);
      if (current(queued) || current(start)) core.markQueued([id]);
      if (current(start)) core.markRunning(id);
      const timing: TaskTimings = { attempts: current(start) ? start!.attempt : 0 };
      if (current(queued)) timing.queuedAt = queued!.queued_at;
      if (current(start)) timing.startedAt = start!.started_at;
      const ended = results.get(id)?.ended_at;
      if (ended !== undefined) timing.endedAt = ended;
      timings.set(id, timing);
    }
    if (run.state !== 'running') core.finish(run.state, run.reason);
    return {
      runId,
      problem: run.problem,
      acceptance: run.acceptance,
      createdAt: run.created_at,
      ...(run.ended_at === undefined ? {} : { endedAt: run.ended_at }),
      state: run.state,
      reason: run.reason,
      replans: run.replans,
      core,
      timings,
      queuedMarked,
      skipMarked,
    };
  }

  /** Every run id with its creation time, newest first. */
  async listRunIds(): Promise<string[]> {
    return this.redis.zrevrange(redisKeys.runs(), 0, -1);
  }

  /** A run's own fields for listing, without reading its graph or tasks. */
  async readRunSummary(runId: string) {
    const values = await this.redis.hmget(redisKeys.run(runId), ...SUMMARY_FIELDS);
    const fields = Object.fromEntries(
      SUMMARY_FIELDS.flatMap((field, i) => (values[i] === null ? [] : [[field, values[i]]])),
    );
    const parsed = runSummarySchema.safeParse(fields);
    return parsed.success ? parsed.data : undefined;
  }

  /** Records a result unless the task already has one (the first completion wins). */
  async recordResult(
    runId: string,
    task: Task,
    generation: number,
    result: Result,
    agentId: string,
  ): Promise<boolean> {
    const endedAt = Date.now();
    const { result: _sent, ...head } = taskEndEvent(runId, task, agentId, result, endedAt);
    const recordTail = JSON.stringify({ agent_id: agentId, ended_at: endedAt }).slice(1);
    // The event's own fields, then `"result":` last, as JSON.stringify of the event writes them.
    const eventHead = `${JSON.stringify(head).slice(0, -1)},"result":`;
    const recorded = await this.scripts.recordResult(
      redisKeys.run(runId),
      redisKeys.runTasks(runId),
      redisKeys.runResults(runId),
      redisKeys.runEvents(runId),
      redisKeys.metricsTasks(),
      task.id,
      String(generation),
      JSON.stringify(result),
      `,${recordTail}`,
      result.success ? 'completed' : 'failed',
      BUS_CHANNEL,
      eventHead,
      proofCounter(result) ?? '',
    );
    return recorded === 1;
  }

  /** Marks a task started unless the run ended or the task has a result; false to skip it. */
  async startTask(
    runId: string,
    task: Task,
    generation: number,
    attempt: number,
    agentId: string,
  ): Promise<boolean> {
    const startedAt = Date.now();
    const start = { generation, attempt, agent_id: agentId, started_at: startedAt };
    const event = taskStartEvent(runId, task, agentId, attempt, startedAt);
    const started = await this.scripts.startTask(
      redisKeys.run(runId),
      redisKeys.runTasks(runId),
      redisKeys.runResults(runId),
      redisKeys.runEvents(runId),
      task.id,
      String(generation),
      JSON.stringify(start),
      BUS_CHANNEL,
      JSON.stringify(event),
    );
    return started === 1;
  }

  /** Ends a run once; false when it had already ended. */
  async endRun(runId: string, state: Exclude<RunState, 'running'>, reason: string) {
    const endedAt = Date.now();
    const event = runEndEvent(runId, state, reason, endedAt);
    const ended = await this.scripts.endRun(
      redisKeys.run(runId),
      redisKeys.runEvents(runId),
      state,
      reason,
      String(endedAt),
      BUS_CHANNEL,
      JSON.stringify(event),
    );
    return ended === 1;
  }

  /**
   * Appends events of one run to its stream and publishes them (steps: the stream only), and
   * sets task markers, in one script call: one command per batch keeps the scheduler's CPU
   * per task low. A lone step is one XADD.
   */
  async appendEvents(
    runId: string,
    events: RunEvent[],
    markers: [field: string, value: string][] = [],
  ): Promise<void> {
    if (events.length === 0 && markers.length === 0) return;
    const [only] = events;
    if (events.length === 1 && markers.length === 0 && only?.type === 'task-step') {
      await this.redis.xadd(redisKeys.runEvents(runId), '*', 'e', JSON.stringify(only));
      return;
    }
    const args = [BUS_CHANNEL, String(markers.length), ...markers.flat()];
    for (const event of events) {
      args.push(event.type === 'task-step' ? '' : '1', JSON.stringify(event));
    }
    await this.scripts.appendEvents(redisKeys.runEvents(runId), redisKeys.runTasks(runId), ...args);
  }

  /** The run's events in order; entries that fail to parse are left out. */
  async readEvents(runId: string): Promise<RunEvent[]> {
    const entries = await this.redis.xrange(redisKeys.runEvents(runId), '-', '+');
    return parseStreamEntries(entries);
  }

  /** How many events the run's stream holds (streams are never trimmed). */
  eventCount(runId: string): Promise<number> {
    return this.redis.xlen(redisKeys.runEvents(runId));
  }

  /** Adds to task counters. */
  async count(counter: TaskCounter, by: number): Promise<void> {
    if (by > 0) await this.redis.hincrby(redisKeys.metricsTasks(), counter, by);
  }

  /** Publishes a control message to every bus instance. */
  async control(control: 'reload' | 'cancel', runId: string): Promise<void> {
    await this.redis.publish(BUS_CONTROL_CHANNEL, JSON.stringify({ control, run_id: runId }));
  }

  /** Stores a replan: the new graph, bumped generations, one more round. */
  async saveExtension(runId: string, core: SchedulerCore, retried: string[], round: number) {
    const multi = this.redis.multi();
    multi.hset(redisKeys.run(runId), {
      graph: JSON.stringify(core.tasks().map((n) => n.task)),
      replans: String(round),
    });
    for (const id of retried) {
      multi.hset(redisKeys.runTasks(runId), `${id}#gen`, String(core.get(id)!.generation));
    }
    await multi.exec();
  }
}

/** Replays stored results in dependency order: a result counts only once its task was ready. */
function replay(
  core: SchedulerCore,
  results: Map<string, { result: Result; agent_id: string }>,
): void {
  const work = core.ready();
  while (work.length > 0) {
    const task = work.pop()!;
    const record = results.get(task.id);
    if (!record) continue;
    core.markQueued([task.id]);
    work.push(...core.recordResult(task.id, record.result, record.agent_id).newlyReady);
  }
}

/** Stream entries as events; entries that fail to parse are left out. */
export function parseStreamEntries(entries: [id: string, fields: string[]][]): RunEvent[] {
  const events: RunEvent[] = [];
  for (const [, fields] of entries) {
    const event = parseField(runEventSchema, fields[1]);
    if (event) events.push(event);
  }
  return events;
}
