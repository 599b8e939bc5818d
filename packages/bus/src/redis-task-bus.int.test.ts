import { KEY_PREFIX, NonRetryableTaskError, queueName, redisKeys } from '@codegod/protocol';
import { startRedisServer } from '@codegod/testkit';
import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { BusClosedError } from './errors/bus-closed-error.js';
import { createRedisTaskBus } from './redis-task-bus.js';
import {
  failedResult,
  okResult,
  taskBusConformance,
  testRunId,
  testStep,
  testTask,
} from './testing/index.js';

taskBusConformance('redis (BullMQ)', async () => {
  const server = await startRedisServer();
  const bus = await createRedisTaskBus({
    redisUrl: server.url,
    scheduler: true,
    attempts: 3,
    backoffMs: 20,
    env: {},
  });
  return {
    bus,
    recordResult: (runId, taskId, result, agentId) =>
      bus.recordResult(runId, taskId, result, agentId),
    cleanup: async () => {
      await bus.close();
      await server.stop();
    },
  };
});

describe('createRedisTaskBus', () => {
  it('rejects bad settings naming the option and the environment variable', async () => {
    await expect(createRedisTaskBus({ env: {} })).rejects.toThrow(/redisUrl.*REDIS_URL/);
    await expect(
      createRedisTaskBus({ env: { REDIS_URL: 'redis://x', CODEGOD_LOCK_DURATION_MS: '5' } }),
    ).rejects.toThrow(/lockDurationMs.*CODEGOD_LOCK_DURATION_MS/);
  });
});

describe('RedisTaskBus in Redis', () => {
  it('once its close has begun, refuses work that would make a queue on the closing connection', async () => {
    const server = await startRedisServer();
    const bus = await createRedisTaskBus({ redisUrl: server.url, env: {} });
    try {
      const closing = bus.close();
      await expect(bus.queueDepths()).rejects.toBeInstanceOf(BusClosedError);
      expect(bus.close()).toBe(closing);
      await closing;
    } finally {
      await server.stop();
    }
  });

  it('fails a malformed job without retry and keeps the worker running', async () => {
    const server = await startRedisServer();
    const bus = await createRedisTaskBus({ redisUrl: server.url, scheduler: true, env: {} });
    const redis = new Redis(server.url, { maxRetriesPerRequest: null });
    const queue = new Queue(queueName('backend'), { connection: redis, prefix: KEY_PREFIX });
    const events = new QueueEvents(queueName('backend'), { connection: redis, prefix: KEY_PREFIX });
    try {
      await events.waitUntilReady();
      await bus.work('backend', async () => okResult());
      const failed = new Promise<string>((resolve) =>
        events.on('failed', ({ failedReason }) => resolve(failedReason)),
      );
      await queue.add('bad', { run_id: 'x', task: { id: 'no spaces allowed' } }, { attempts: 3 });
      expect(await failed).toMatch(/malformed task job .*task/);
      const runId = testRunId();
      await bus.startRun({ runId, problem: 'after', graph: { tasks: [testTask('a')] } });
      const snapshot = await bus.waitForRun(runId, { signal: AbortSignal.timeout(30_000) });
      expect(snapshot.state).toBe('succeeded');
    } finally {
      await events.close();
      await queue.close();
      redis.disconnect();
      await bus.close();
      await server.stop();
    }
  });

  it('ends a task that returned a failure as a failed job, so queue counts match the metrics', async () => {
    const server = await startRedisServer();
    const bus = await createRedisTaskBus({ redisUrl: server.url, scheduler: true, env: {} });
    try {
      let calls = 0;
      await bus.work('backend', async (job) => {
        calls++;
        return job.task.id.startsWith('stuck')
          ? failedResult('stuck: same observation')
          : okResult();
      });
      const tasks = [testTask('good'), testTask('stuck-1'), testTask('stuck-2')];
      const runId = testRunId('failed-jobs');
      await bus.startRun({ runId, problem: 'counts', graph: { tasks } });
      await bus.waitForRun(runId, { signal: AbortSignal.timeout(30_000) });
      // Returned failures are not retried: the agent already spent its iterations.
      expect(calls).toBe(3);
      const metrics = await bus.metrics();
      expect(metrics).toMatchObject({ completed: 1, failed: 2 });
      expect((await bus.queueDepths()).backend.failed).toBe(metrics.failed);
      const completed = await new Queue(queueName('backend'), {
        connection: { url: server.url },
        prefix: KEY_PREFIX,
      });
      try {
        expect(await completed.getJobCountByTypes('completed')).toBe(metrics.completed);
      } finally {
        await completed.close();
      }
    } finally {
      await bus.close();
      await server.stop();
    }
  });

  it('counts tasks in codegod:metrics:tasks and ages out dead workers', async () => {
    const server = await startRedisServer();
    const bus = await createRedisTaskBus({
      redisUrl: server.url,
      scheduler: true,
      agentTtlMs: 5_000,
      env: {},
    });
    const redis = new Redis(server.url);
    try {
      await bus.work(
        'backend',
        async (job) => {
          if (job.task.id === 'bad') throw new NonRetryableTaskError('no');
          return okResult();
        },
        { agentId: 'backend-live' },
      );
      const tasks = [testTask('good'), testTask('bad'), testTask('after', ['bad'])];
      const runId = testRunId();
      await bus.startRun({ runId, problem: 'metrics', graph: { tasks } });
      await bus.waitForRun(runId, { signal: AbortSignal.timeout(30_000) });
      expect(await redis.hgetall(redisKeys.metricsTasks())).toEqual({
        submitted: '3',
        completed: '1',
        // The task that succeeded had no acceptance checks.
        unverified: '1',
        failed: '1',
        skipped: '1',
      });
      const dead = { agent_id: 'backend-dead', role: 'backend', state: 'busy', current_task: null };
      const lastSeen = Date.now() - 60_000;
      await redis.hset(
        redisKeys.agentsStatus(),
        'backend-dead',
        JSON.stringify({ ...dead, last_seen: lastSeen, pid: 1 }),
      );
      expect((await bus.agents()).map((a) => a.agent_id)).toEqual(['backend-live']);
      expect(await redis.hexists(redisKeys.agentsStatus(), 'backend-dead')).toBe(0);
    } finally {
      redis.disconnect();
      await bus.close();
      await server.stop();
    }
  });

  it('keeps step events off pub/sub, and sends a worker-only bus no events at all', async () => {
    const server = await startRedisServer();
    const master = await createRedisTaskBus({ redisUrl: server.url, scheduler: true, env: {} });
    const agents = await createRedisTaskBus({ redisUrl: server.url, env: {} });
    const follower = await createRedisTaskBus({ redisUrl: server.url, env: {} });
    const admin = new Redis(server.url);
    try {
      await agents.work('backend', async (job, context) => {
        for (const iteration of [1, 2])
          await agents.appendEvent(testStep(job, context.agentId, iteration));
        return okResult();
      });
      const seen: string[] = [];
      follower.subscribe((event) => seen.push(event.type));
      const subscribers = async () =>
        (await admin.call('PUBSUB', 'NUMSUB', 'codegod:bus')) as [string, number];
      // The master and the follower listen to events; the worker-only bus does not.
      await expect.poll(async () => (await subscribers())[1]).toBe(2);
      await admin.config('RESETSTAT');
      const runId = testRunId();
      await master.startRun({ runId, problem: 'steps', graph: { tasks: [testTask('a')] } });
      expect((await master.waitForRun(runId)).state).toBe('succeeded');
      const lifecycle = ['run-start', 'task-queue', 'task-start', 'task-end', 'run-end'];
      await expect.poll(() => seen).toEqual(lifecycle);
      const types = (await master.readEvents(runId)).map((event) => event.type);
      expect(types.filter((type) => type === 'task-step')).toHaveLength(2);
      const stats = await admin.info('commandstats');
      expect(Number(/^cmdstat_publish:calls=(\d+)/m.exec(stats)?.[1])).toBe(lifecycle.length);
    } finally {
      admin.disconnect();
      await follower.close();
      await agents.close();
      await master.close();
      await server.stop();
    }
  });

  it('writes the one result a worker sends into the record, the stream and the bus message', async () => {
    const server = await startRedisServer();
    const master = await createRedisTaskBus({ redisUrl: server.url, scheduler: true, env: {} });
    const agents = await createRedisTaskBus({ redisUrl: server.url, env: {} });
    const admin = new Redis(server.url);
    const result = okResult('quote " backslash \\ and é');
    try {
      await agents.work('backend', async () => result, { agentId: 'agent-"1"' });
      const ends: unknown[] = [];
      master.subscribe((event) => {
        if (event.type === 'task-end') ends.push(event);
      });
      const runId = testRunId();
      await master.startRun({ runId, problem: 'splice', graph: { tasks: [testTask('a')] } });
      expect((await master.waitForRun(runId)).state).toBe('succeeded');
      const record = JSON.parse((await admin.hget(redisKeys.runResults(runId), 'a#0'))!);
      expect(record).toEqual({ result, agent_id: 'agent-"1"', ended_at: expect.any(Number) });
      const end = (await master.readEvents(runId)).find((event) => event.type === 'task-end');
      const expected = {
        type: 'task-end',
        run_id: runId,
        ts: record.ended_at,
        task_id: 'a',
        role: 'backend',
        agent_id: 'agent-"1"',
        success: true,
        result,
      };
      expect(end).toEqual(expected);
      await expect.poll(() => ends).toEqual([expected]);
    } finally {
      admin.disconnect();
      await agents.close();
      await master.close();
      await server.stop();
    }
  });
});
