import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { KEY_PREFIX, queueName, type RunEvent, type Task } from '@codegod/protocol';
import { type RedisServer, startRedisServer } from '@codegod/testkit';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRedisTaskBus, type RedisTaskBus } from './redis-task-bus.js';
import { okResult, testRunId, testTask } from './testing/fixtures.js';

// Child processes run the built entries: run `npx tsc -b packages/bus` first.
const entry = (name: string) =>
  fileURLToPath(new URL(`../dist/testing/${name}-entry.js`, import.meta.url));

/** Fast stall recovery so a killed worker's task comes back within a couple of seconds. */
const FAST_STALLS = {
  CODEGOD_LOCK_DURATION_MS: '1000',
  CODEGOD_STALLED_INTERVAL_MS: '300',
  CODEGOD_TASK_BACKOFF_MS: '20',
};
const HANG_GUARD = () => AbortSignal.timeout(45_000);

interface Spawned {
  child: ChildProcess;
  ready: Promise<string>;
  exited: Promise<number | null>;
}

describe('RedisTaskBus durability', () => {
  let server: RedisServer;
  const children: ChildProcess[] = [];
  const buses: RedisTaskBus[] = [];

  const spawnEntry = (name: string, env: Record<string, string>): Spawned => {
    const child = spawn(process.execPath, [entry(name)], {
      env: { ...process.env, ...FAST_STALLS, REDIS_URL: server.url, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.push(child);
    const ready = new Promise<string>((resolve, reject) => {
      child.stdout!.on('data', (data: Buffer) => {
        const line = data
          .toString()
          .split('\n')
          .find((l) => l.startsWith('ready'));
        if (line) resolve(line.slice('ready '.length));
      });
      child.once('exit', (code) => reject(new Error(`${name} exited early with ${code}`)));
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    return { child, ready, exited };
  };
  const bus = async (scheduler: boolean) => {
    const created = await createRedisTaskBus({ redisUrl: server.url, scheduler, env: FAST_STALLS });
    buses.push(created);
    return created;
  };
  const nextEvent = (on: RedisTaskBus, match: (event: RunEvent) => boolean) =>
    new Promise<RunEvent>((resolve) => {
      const unsubscribe = on.subscribe((event) => {
        if (!match(event)) return;
        unsubscribe();
        resolve(event);
      });
    });
  const perTask = (events: RunEvent[], type: RunEvent['type']) => {
    const counts = new Map<string, number>();
    for (const e of events) {
      if (e.type === type && 'task_id' in e)
        counts.set(e.task_id, (counts.get(e.task_id) ?? 0) + 1);
    }
    return counts;
  };

  beforeEach(async () => {
    server = await startRedisServer();
  });
  afterEach(async () => {
    for (const child of children.splice(0)) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    await Promise.all(buses.splice(0).map((b) => b.close()));
    await server.stop();
  });

  it('recovers the task of a SIGKILLed worker; every task is recorded exactly once', async () => {
    const master = await bus(true);
    const first = spawnEntry('worker', { AGENT_ID: 'doomed-1' });
    await first.ready;
    const runId = testRunId('sigkill');
    const tasks: Task[] = [
      { ...testTask('slow'), description: 'sleep:1500' },
      testTask('after', ['slow']),
      testTask('other'),
    ];
    const started = nextEvent(master, (e) => e.type === 'task-start' && e.task_id === 'slow');
    await master.startRun({ runId, problem: 'survive a kill', graph: { tasks } });
    expect(await started).toMatchObject({ agent_id: 'doomed-1' });
    first.child.kill('SIGKILL');
    await first.exited;
    const second = spawnEntry('worker', { AGENT_ID: 'rescuer-1' });
    await second.ready;

    const snapshot = await master.waitForRun(runId, { signal: HANG_GUARD() });
    expect(snapshot.state).toBe('succeeded');
    const events = await master.readEvents(runId);
    const ends = perTask(events, 'task-end');
    expect([...ends.values()]).toEqual([1, 1, 1]);
    const slowStarts = events.filter((e) => e.type === 'task-start' && e.task_id === 'slow');
    expect(slowStarts.map((e) => 'agent_id' in e && e.agent_id)).toEqual(['doomed-1', 'rescuer-1']);
    expect(snapshot.tasks.find((t) => t.task.id === 'slow')!.agentId).toBe('rescuer-1');
  });

  it('fails, not hangs, a task whose worker died more often than maxStalledCount allows', async () => {
    const noStalls = { CODEGOD_MAX_STALLED_COUNT: '0' };
    const master = await createRedisTaskBus({
      redisUrl: server.url,
      scheduler: true,
      env: { ...FAST_STALLS, ...noStalls },
    });
    buses.push(master);
    const first = spawnEntry('worker', { AGENT_ID: 'doomed-2', ...noStalls });
    await first.ready;
    const runId = testRunId('stall-limit');
    const started = nextEvent(master, (e) => e.type === 'task-start' && e.run_id === runId);
    const tasks = [{ ...testTask('slow'), description: 'sleep:5000' }, testTask('next', ['slow'])];
    await master.startRun({ runId, problem: 'die once too often', graph: { tasks } });
    await started;
    first.child.kill('SIGKILL');
    await first.exited;
    // Another worker's stalled-job check is what notices the dead one.
    await spawnEntry('worker', { AGENT_ID: 'checker-1', ...noStalls }).ready;
    const snapshot = await master.waitForRun(runId, { signal: HANG_GUARD() });
    expect(snapshot.state).toBe('failed');
    expect(snapshot.tasks[0]!.result!.output).toMatch(/died too often/);
    expect(snapshot.tasks[1]!.state).toBe('skipped');
  });

  it('records a task BullMQ failed for stalling while no scheduler was running', async () => {
    const noStalls = { CODEGOD_MAX_STALLED_COUNT: '0' };
    const scheduler = spawnEntry('scheduler', noStalls);
    await scheduler.ready;
    const client = await bus(false);
    const doomed = spawnEntry('worker', { AGENT_ID: 'doomed-3', ...noStalls });
    await doomed.ready;
    const runId = testRunId('lost-job');
    const started = nextEvent(client, (e) => e.type === 'task-start' && e.run_id === runId);
    const tasks = [{ ...testTask('slow'), description: 'sleep:5000' }];
    await client.startRun({ runId, problem: 'lost while the master was away', graph: { tasks } });
    await started;
    scheduler.child.kill('SIGKILL');
    doomed.child.kill('SIGKILL');
    await Promise.all([scheduler.exited, doomed.exited]);
    const checker = await createRedisTaskBus({
      redisUrl: server.url,
      env: { ...FAST_STALLS, ...noStalls },
    });
    buses.push(checker);
    // Only a live worker on the same queue runs BullMQ's stalled-job check.
    await checker.work('backend', async () => okResult());
    const redis = new Redis(server.url);
    await expect
      .poll(() => redis.zcard(`${KEY_PREFIX}:${queueName('backend')}:failed`), { timeout: 30_000 })
      .toBe(1);
    redis.disconnect();
    await spawnEntry('scheduler', noStalls).ready;
    const snapshot = await client.waitForRun(runId, { signal: HANG_GUARD() });
    expect(snapshot.state).toBe('failed');
    expect(snapshot.tasks[0]!.result!.output).toMatch(/died too often/);
  });

  it('resumes a run after the scheduler process is SIGKILLed: nothing lost, nothing run twice', async () => {
    const first = spawnEntry('scheduler', {});
    await first.ready;
    const client = await bus(false);
    const executions = new Map<string, number>();
    const handler = async (job: { task: Task }) => {
      executions.set(job.task.id, (executions.get(job.task.id) ?? 0) + 1);
      await new Promise((resolve) => setTimeout(resolve, 30));
      return okResult(job.task.id);
    };
    await client.work('backend', handler, { concurrency: 2 });
    await client.work('frontend', handler);
    // Five layers of six tasks; each depends on two tasks of the layer before.
    const tasks: Task[] = [];
    for (let layer = 0; layer < 5; layer++) {
      for (let i = 0; i < 6; i++) {
        const deps = layer === 0 ? [] : [`l${layer - 1}-${i}`, `l${layer - 1}-${(i + 1) % 6}`];
        tasks.push(testTask(`l${layer}-${i}`, deps, i % 2 ? 'frontend' : 'backend'));
      }
    }
    const runId = testRunId('master-kill');
    let ended = 0;
    const eightEnded = new Promise<void>((resolve) =>
      client.subscribe((e) => {
        if (e.run_id === runId && e.type === 'task-end' && ++ended === 8) resolve();
      }),
    );
    await client.startRun({ runId, problem: 'survive the master', graph: { tasks } });
    await eightEnded;
    first.child.kill('SIGKILL');
    await first.exited;
    // Results keep landing while the master is down; the workers then run dry.
    const endedWhileDown = ended;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await client.getRun(runId))!.state).toBe('running');

    const second = spawnEntry('scheduler', {});
    await second.ready;
    const snapshot = await client.waitForRun(runId, { signal: HANG_GUARD() });
    expect(snapshot.state).toBe('succeeded');
    expect(endedWhileDown).toBeGreaterThanOrEqual(8);
    const events = await client.readEvents(runId);
    const ends = perTask(events, 'task-end');
    expect(ends.size).toBe(30);
    expect([...ends.values()].every((n) => n === 1)).toBe(true);
    expect(executions.size).toBe(30);
    expect([...executions.values()].every((n) => n === 1)).toBe(true);
    expect(events.filter((e) => e.type === 'run-end')).toHaveLength(1);
  });

  it('lets a worker finish its task on SIGTERM, then exit cleanly and leave the registry', async () => {
    const master = await bus(true);
    const worker = spawnEntry('worker', { AGENT_ID: 'graceful-1' });
    await worker.ready;
    const runId = testRunId('sigterm');
    const started = nextEvent(master, (e) => e.type === 'task-start' && e.run_id === runId);
    const tasks = [{ ...testTask('a'), description: 'sleep:800' }];
    await master.startRun({ runId, problem: 'graceful stop', graph: { tasks } });
    await started;
    await expect
      .poll(async () => (await master.agents()).map((a) => [a.agent_id, a.state]), {
        timeout: 10_000,
      })
      .toEqual([['graceful-1', 'busy']]);
    worker.child.kill('SIGTERM');
    expect(await worker.exited).toBe(0);
    const snapshot = await master.waitForRun(runId, { signal: HANG_GUARD() });
    expect(snapshot.tasks[0]).toMatchObject({ state: 'succeeded', agentId: 'graceful-1' });
    expect(await master.agents()).toEqual([]);
  });
});
