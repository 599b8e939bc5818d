import { NonRetryableTaskError, type Result, type RunEvent } from '@codegod/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TaskBus, TaskJob } from '../task-bus.js';
import {
  deferred,
  failedResult,
  okResult,
  testRunId,
  testStep,
  testTask,
  verifiedResult,
} from './fixtures.js';

/** What the suite needs from an adapter. */
export interface ConformanceHarness {
  /** A fresh bus configured with 3 attempts and a short backoff (tens of ms). */
  bus: TaskBus;
  /** Records a result the way a second worker would; resolves true when it was accepted. */
  recordResult(runId: string, taskId: string, result: Result, agentId: string): Promise<boolean>;
  /** Closes the bus and anything the factory started. */
  cleanup(): Promise<void>;
}

/** Generous: only guards against hangs, never measures speed. */
const HANG_GUARD_MS = 30_000;

const wait = (bus: TaskBus, runId: string, untilReplan = false) =>
  bus.waitForRun(runId, { signal: AbortSignal.timeout(HANG_GUARD_MS), untilReplan });

const count = (events: RunEvent[], type: RunEvent['type'], taskId?: string) =>
  events.filter((e) => e.type === type && (!taskId || ('task_id' in e && e.task_id === taskId)))
    .length;

/**
 * The behaviour every TaskBus adapter must show. Call it from a test file with a factory
 * that builds a fresh, isolated bus per test.
 */
export function taskBusConformance(name: string, create: () => Promise<ConformanceHarness>) {
  describe(`TaskBus conformance: ${name}`, () => {
    let harness: ConformanceHarness;
    let bus: TaskBus;
    beforeEach(async () => {
      harness = await create();
      bus = harness.bus;
    });
    afterEach(async () => {
      await harness.cleanup();
    });

    it('runs a task only after its dependencies, passing their results', async () => {
      const runId = testRunId('order');
      const ended: string[] = [];
      const seen = new Map<string, TaskJob>();
      await bus.work(
        'backend',
        async (job) => {
          seen.set(job.task.id, job);
          for (const dep of job.task.depends_on) expect(ended).toContain(dep);
          ended.push(job.task.id);
          return okResult(`out-${job.task.id}`);
        },
        { concurrency: 2 },
      );
      const tasks = [
        testTask('a'),
        testTask('b', ['a']),
        testTask('c', ['a']),
        testTask('d', ['b', 'c']),
      ];
      await bus.startRun({ runId, problem: 'diamond', graph: { tasks } });
      const snapshot = await wait(bus, runId);
      expect(snapshot.state).toBe('succeeded');
      expect(ended).toHaveLength(4);
      expect(ended[0]).toBe('a');
      expect(ended[3]).toBe('d');
      expect(Object.keys(seen.get('d')!.dependencies).sort()).toEqual(['b', 'c']);
      expect(seen.get('d')!.dependencies.b!.output).toBe('out-b');
    });

    it('runs a wave of independent tasks in parallel across roles and slots', async () => {
      const runId = testRunId('wave');
      const all = deferred();
      let started = 0;
      const handler = async () => {
        started++;
        if (started === 4) all.resolve();
        // Each task holds its slot until all four run at once: passes only in parallel.
        await all.promise;
        return okResult();
      };
      await bus.work('backend', handler, { concurrency: 2 });
      await bus.work('frontend', handler);
      await bus.work('devops', handler);
      const tasks = [
        testTask('b1'),
        testTask('b2'),
        testTask('f1', [], 'frontend'),
        testTask('d1', [], 'devops'),
        testTask('join', ['b1', 'b2', 'f1', 'd1']),
      ];
      await bus.startRun({ runId, problem: 'wave', graph: { tasks } });
      expect((await wait(bus, runId)).state).toBe('succeeded');
      expect(started).toBe(5);
    });

    it('keeps the first completion and ignores a duplicate result', async () => {
      const runId = testRunId('dup');
      await bus.work('backend', async (job) => {
        // Another worker finishes the same task first, e.g. after a stalled-job recovery.
        expect(await harness.recordResult(runId, job.task.id, okResult('first'), 'other-1')).toBe(
          true,
        );
        return okResult('second');
      });
      await bus.startRun({ runId, problem: 'dup', graph: { tasks: [testTask('a')] } });
      const snapshot = await wait(bus, runId);
      expect(snapshot.tasks[0]).toMatchObject({ state: 'succeeded', agentId: 'other-1' });
      expect(snapshot.tasks[0]!.result!.output).toBe('first');
      expect(await harness.recordResult(runId, 'a', failedResult('late'), 'other-2')).toBe(false);
      const events = await bus.readEvents(runId);
      expect(count(events, 'task-end', 'a')).toBe(1);
    });

    it('retries a throwing task with backoff, then records its result', async () => {
      const runId = testRunId('retry');
      const attempts: number[] = [];
      await bus.work('backend', async (job) => {
        attempts.push(job.attempt);
        if (job.attempt < 3) throw new Error(`flaky ${job.attempt}`);
        return okResult('third time');
      });
      await bus.startRun({ runId, problem: 'retry', graph: { tasks: [testTask('a')] } });
      const snapshot = await wait(bus, runId);
      expect(attempts).toEqual([1, 2, 3]);
      expect(snapshot.tasks[0]).toMatchObject({ state: 'succeeded', attempts: 3 });
      const retries = (await bus.readEvents(runId)).filter((e) => e.type === 'task-retry');
      expect(retries.map((e) => e.type === 'task-retry' && e.reason)).toEqual([
        'flaky 1',
        'flaky 2',
      ]);
    });

    it('fails a task after the last attempt and skips its dependents with the reason', async () => {
      const runId = testRunId('exhaust');
      let calls = 0;
      await bus.work('backend', async () => {
        calls++;
        throw new Error('always broken');
      });
      const tasks = [testTask('a'), testTask('b', ['a']), testTask('c', ['b'])];
      await bus.startRun({ runId, problem: 'exhaust', graph: { tasks } });
      const snapshot = await wait(bus, runId);
      expect(calls).toBe(3);
      expect(snapshot.state).toBe('failed');
      expect(snapshot.reason).toMatch(/always broken/);
      const byId = Object.fromEntries(snapshot.tasks.map((t) => [t.task.id, t]));
      expect(byId.b).toMatchObject({ state: 'skipped', reason: expect.stringMatching(/"a"/) });
      expect(byId.c!.state).toBe('skipped');
    });

    it('does not retry a non-retryable failure', async () => {
      const runId = testRunId('fatal');
      let calls = 0;
      await bus.work('backend', async () => {
        calls++;
        throw new NonRetryableTaskError('the plan file is corrupt');
      });
      const tasks = [testTask('a'), testTask('b', ['a'])];
      await bus.startRun({ runId, problem: 'fatal', graph: { tasks } });
      const snapshot = await wait(bus, runId);
      expect(calls).toBe(1);
      expect(snapshot.state).toBe('failed');
      expect(snapshot.tasks[0]!.result!.output).toMatch(/plan file is corrupt/);
      expect(snapshot.tasks[1]!.state).toBe('skipped');
      expect(count(await bus.readEvents(runId), 'task-retry')).toBe(0);
    });

    it('records a returned failed Result without retrying it', async () => {
      const runId = testRunId('result-fail');
      let calls = 0;
      await bus.work('backend', async () => {
        calls++;
        return failedResult('tests failed');
      });
      await bus.startRun({ runId, problem: 'x', graph: { tasks: [testTask('a')] } });
      const snapshot = await wait(bus, runId);
      expect(calls).toBe(1);
      expect(snapshot.tasks[0]).toMatchObject({ state: 'failed' });
    });

    it('cancels a run: aborts the running task and never starts its dependents', async () => {
      const runId = testRunId('cancel');
      const running = deferred();
      const aborted = deferred();
      const started: string[] = [];
      await bus.work('backend', async (job, context) => {
        started.push(job.task.id);
        running.resolve();
        await new Promise<void>((resolve) => {
          context.signal.addEventListener('abort', () => resolve(), { once: true });
        });
        aborted.resolve();
        return okResult('too late');
      });
      const tasks = [testTask('a'), testTask('b', ['a'])];
      await bus.startRun({ runId, problem: 'cancel', graph: { tasks } });
      await running.promise;
      await bus.cancelRun(runId, 'user pressed stop');
      await aborted.promise;
      const snapshot = await wait(bus, runId);
      expect(snapshot).toMatchObject({ state: 'cancelled', reason: 'user pressed stop' });
      expect(snapshot.tasks.map((t) => t.state)).toEqual(['cancelled', 'cancelled']);
      expect(started).toEqual(['a']);
      expect(count(await bus.readEvents(runId), 'task-end')).toBe(0);
    });

    it('waits for a replan on failure when asked, then runs the retried task', async () => {
      const runId = testRunId('replan');
      await bus.work('backend', async (job) =>
        job.task.id === 'a' && job.task.depends_on.length === 0
          ? failedResult('flask not installed')
          : okResult(job.task.id),
      );
      const tasks = [testTask('a'), testTask('b', ['a'])];
      await bus.startRun({ runId, problem: 'replan', graph: { tasks }, holdOnFailure: true });
      const held = await wait(bus, runId, true);
      expect(held).toMatchObject({ state: 'running', awaitingReplan: true });
      expect(held.tasks.find((t) => t.task.id === 'b')!.state).toBe('pending');
      await bus.extendRun(runId, {
        add: [testTask('fix')],
        retry: [{ taskId: 'a', dependsOn: ['fix'] }],
        reason: 'install flask first',
      });
      const snapshot = await wait(bus, runId);
      expect(snapshot.state).toBe('succeeded');
      expect(snapshot.tasks.map((t) => t.task.id).sort()).toEqual(['a', 'b', 'fix']);
      expect(count(await bus.readEvents(runId), 'replan')).toBe(1);
    });

    it('keeps a retried task failed with its own reason when the master gives up', async () => {
      const runId = testRunId('give-up');
      await bus.work('backend', async (job) =>
        job.task.id === 'fix' ? failedResult('still broken') : failedResult('flask not installed'),
      );
      const tasks = [testTask('a'), testTask('b', ['a'])];
      await bus.startRun({ runId, problem: 'give up', graph: { tasks }, holdOnFailure: true });
      await wait(bus, runId, true);
      await bus.extendRun(runId, {
        add: [testTask('fix')],
        retry: [{ taskId: 'a', dependsOn: ['fix'] }],
        reason: 'install flask first',
      });
      const held = await wait(bus, runId, true);
      expect(held.tasks.find((t) => t.task.id === 'fix')!.state).toBe('failed');
      await bus.finishRun(runId, 'failed', 'the master gave up');
      const snapshot = await wait(bus, runId);
      const byId = Object.fromEntries(snapshot.tasks.map((t) => [t.task.id, t]));
      expect(byId.a).toMatchObject({
        state: 'failed',
        reason: expect.stringMatching(/flask not installed/),
        agentId: expect.any(String),
      });
      expect(byId.b).toMatchObject({
        state: 'skipped',
        reason: expect.stringMatching(/^dependency "a" did not succeed .*flask not installed/),
      });
    });

    it('holds a run with acceptance checks after its last task until the master ends or extends it', async () => {
      const runId = testRunId('accept');
      await bus.work('backend', async (job) =>
        job.task.id === 'a' ? verifiedResult('a') : okResult(job.task.id),
      );
      const acceptance = [{ type: 'command' as const, argv: ['sh', '-c', 'pytest -q'] }];
      const before = await bus.metrics?.();
      const graph = { tasks: [testTask('a')] };
      await bus.startRun({ runId, problem: 'accept', graph, holdOnFailure: true, acceptance });
      const held = await wait(bus, runId, true);
      expect(held).toMatchObject({
        state: 'running',
        awaitingAcceptance: true,
        awaitingReplan: false,
        acceptance,
      });
      expect(held.tasks[0]).toMatchObject({ state: 'succeeded' });
      // The run check failed: the master adds the missing work, and the run waits again.
      await bus.extendRun(runId, {
        add: [testTask('b', ['a'])],
        retry: [],
        reason: 'check failed',
      });
      const again = await wait(bus, runId, true);
      expect(again).toMatchObject({ state: 'running', awaitingAcceptance: true });
      expect(again.tasks.map((t) => [t.task.id, t.state])).toEqual([
        ['a', 'succeeded'],
        ['b', 'succeeded'],
      ]);
      await bus.finishRun(runId, 'succeeded', '1 run check passed');
      const done = await wait(bus, runId);
      expect(done).toMatchObject({
        state: 'succeeded',
        reason: '1 run check passed',
        awaitingAcceptance: false,
      });
      const after = await bus.metrics?.();
      if (before && after) {
        // Task a proved itself with a passing check; b had none.
        expect(after.verified - before.verified).toBe(1);
        expect(after.unverified - before.unverified).toBe(1);
        expect(after.completed - before.completed).toBe(2);
      }
    });

    it('lists and inspects runs and their events; rejects a reused run id', async () => {
      const first = testRunId('list');
      const second = testRunId('list');
      await bus.work('backend', async () => okResult());
      await bus.startRun({ runId: first, problem: 'one', graph: { tasks: [testTask('a')] } });
      await wait(bus, first);
      await bus.startRun({ runId: second, problem: 'two', graph: { tasks: [testTask('a')] } });
      await wait(bus, second);
      await expect(
        bus.startRun({ runId: first, problem: 'again', graph: { tasks: [testTask('a')] } }),
      ).rejects.toThrow(/already exists/);
      const runs = await bus.listRuns();
      const ours = runs.filter((r) => r.runId === first || r.runId === second);
      expect(ours.map((r) => r.problem)).toEqual(['two', 'one']);
      expect(ours[0]).toMatchObject({ state: 'succeeded' });
      expect(await bus.getRun('no-such-run')).toBeUndefined();
      const types = (await bus.readEvents(first)).map((e) => e.type);
      expect(types).toEqual(['run-start', 'task-queue', 'task-start', 'task-end', 'run-end']);
      const received: RunEvent[] = [];
      const unsubscribe = bus.subscribe((event) => received.push(event));
      await bus.appendEvent({
        type: 'task-skip',
        run_id: first,
        ts: Date.now(),
        task_id: 'a',
        role: 'backend',
        reason: 'note',
      });
      await expect.poll(() => received.length, { timeout: HANG_GUARD_MS }).toBe(1);
      unsubscribe();
      expect(await bus.readEvents(first)).toHaveLength(6);
      const metrics = await bus.metrics?.();
      if (metrics) expect(metrics.completed).toBeGreaterThanOrEqual(2);
    });

    it("keeps steps off subscribe; tailEvents gives one run's every event in order, steps too", async () => {
      const runId = testRunId('steps');
      const other = testRunId('other');
      const subscribed: RunEvent[] = [];
      const unsubscribe = bus.subscribe((event) => subscribed.push(event));
      // Tailing before the run exists: the tail sees it from its first event.
      const early: RunEvent[] = [];
      const stopEarly = bus.tailEvents(runId, (event) => early.push(event));
      const release = deferred();
      await bus.work('backend', async (job) => {
        await bus.appendEvent(testStep(job, 'backend-1', 1));
        await release.promise;
        await bus.appendEvent(testStep(job, 'backend-1', 2));
        return okResult('done');
      });
      await bus.startRun({ runId, problem: 'steps', graph: { tasks: [testTask('a')] } });
      await expect.poll(() => early.length, { timeout: HANG_GUARD_MS }).toBe(4);
      expect(await bus.eventCount(runId)).toBe(4);
      // A late tail catches up from the start, then goes on live.
      const late: RunEvent[] = [];
      const stopLate = bus.tailEvents(runId, (event) => late.push(event));
      await expect.poll(() => late.length, { timeout: HANG_GUARD_MS }).toBe(4);
      const otherTail: RunEvent[] = [];
      const stopOther = bus.tailEvents(other, (event) => otherTail.push(event));
      release.resolve();
      expect((await wait(bus, runId)).state).toBe('succeeded');
      const types = [
        'run-start',
        'task-queue',
        'task-start',
        'task-step',
        'task-step',
        'task-end',
        'run-end',
      ];
      await expect.poll(() => early.map((e) => e.type), { timeout: HANG_GUARD_MS }).toEqual(types);
      await expect.poll(() => late.map((e) => e.type), { timeout: HANG_GUARD_MS }).toEqual(types);
      await expect
        .poll(() => subscribed.filter((e) => e.run_id === runId).map((e) => e.type), {
          timeout: HANG_GUARD_MS,
        })
        .toEqual(types.filter((type) => type !== 'task-step'));
      expect(await bus.eventCount(runId)).toBe(7);
      expect(await bus.eventCount('no-such-run')).toBe(0);
      expect(otherTail).toEqual([]);
      for (const stop of [unsubscribe, stopEarly, stopLate, stopOther]) stop();
    });
  });
}
