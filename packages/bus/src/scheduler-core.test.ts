import { type Result, type Task, WORKER_ROLES } from '@codegod/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SchedulerCore } from './scheduler-core.js';

const ok = (output = 'ok'): Result => ({
  success: true,
  output,
  reasoning: null,
  actions_taken: [],
  validation: { valid: true, output, checks: [] },
});
const bad = (output = 'boom'): Result => ({ ...ok(output), success: false });
const task = (id: string, dependsOn: string[] = []): Task => ({
  id,
  description: id,
  role: 'backend',
  depends_on: dependsOn,
});

/** Random DAGs: task i depends only on tasks with a smaller index. */
const dagArbitrary = fc.integer({ min: 1, max: 30 }).chain((size) =>
  fc
    .tuple(
      ...Array.from({ length: size }, (_, i) =>
        fc.record({
          role: fc.constantFrom(...WORKER_ROLES),
          deps: fc.uniqueArray(fc.integer({ min: 0, max: Math.max(0, i - 1) }), {
            maxLength: i === 0 ? 0 : Math.min(i, 3),
          }),
          fails: fc.boolean(),
        }),
      ),
    )
    .map((nodes) =>
      nodes.map((node, i) => ({
        task: {
          ...task(
            `t${i}`,
            node.deps.map((d) => `t${d}`),
          ),
          role: node.role,
        },
        fails: node.fails,
      })),
    ),
);

/** Runs a core to the end, completing ready tasks in an order picked by `pick`. */
function drive(core: SchedulerCore, fails: Set<string>, pick: (n: number) => number): string[] {
  const order: string[] = [];
  let queued: string[] = [];
  for (;;) {
    const ready = core.ready().map((t) => t.id);
    core.markQueued(ready);
    queued.push(...ready);
    if (queued.length === 0) return order;
    const [id] = queued.splice(pick(queued.length) % queued.length, 1);
    order.push(id!);
    core.recordResult(id!, fails.has(id!) ? bad() : ok());
    queued = queued.filter((q) => core.get(q)!.state === 'queued');
  }
}

describe('SchedulerCore', () => {
  it('releases a task only after all its dependencies succeeded, in any completion order', () => {
    fc.assert(
      fc.property(dagArbitrary, fc.array(fc.nat(), { minLength: 50 }), (nodes, picks) => {
        const core = new SchedulerCore(nodes.map((n) => n.task));
        let i = 0;
        const order = drive(core, new Set(), () => picks[i++ % picks.length]!);
        expect(order).toHaveLength(nodes.length);
        const position = new Map(order.map((id, p) => [id, p]));
        for (const { task: t } of nodes) {
          for (const dep of t.depends_on)
            expect(position.get(dep)!).toBeLessThan(position.get(t.id)!);
        }
        expect(core.status()).toMatchObject({ state: 'succeeded' });
      }),
    );
  });

  it('skips exactly the transitive dependents of failed tasks, with the reason', () => {
    fc.assert(
      fc.property(dagArbitrary, (nodes) => {
        const core = new SchedulerCore(nodes.map((n) => n.task));
        const fails = new Set(nodes.filter((n) => n.fails).map((n) => n.task.id));
        drive(core, fails, () => 0);
        const byId = new Map(nodes.map((n) => [n.task.id, n.task]));
        const blocked = (id: string): boolean =>
          byId.get(id)!.depends_on.some((d) => fails.has(d) || blocked(d));
        for (const { task: t } of nodes) {
          const expected = blocked(t.id) ? 'skipped' : fails.has(t.id) ? 'failed' : 'succeeded';
          expect(core.get(t.id)!.state).toBe(expected);
          if (expected === 'skipped') expect(core.get(t.id)!.reason).toMatch(/did not succeed/);
        }
        expect(core.status().state).toBe(fails.size > 0 ? 'failed' : 'succeeded');
      }),
    );
  });

  it('keeps the first result and ignores a duplicate', () => {
    const core = new SchedulerCore([task('a'), task('b', ['a'])]);
    core.markQueued(['a']);
    expect(core.recordResult('a', ok('first'), 'w1')).toMatchObject({
      accepted: true,
      newlyReady: [expect.objectContaining({ id: 'b' })],
    });
    expect(core.recordResult('a', bad('second'), 'w2').accepted).toBe(false);
    expect(core.get('a')).toMatchObject({ state: 'succeeded', agentId: 'w1' });
    expect(core.get('a')!.result!.output).toBe('first');
    expect(core.recordResult('b', ok()).accepted).toBe(false);
  });

  it('holds a run whose tasks all succeeded for its acceptance checks, until it is finished', () => {
    const core = new SchedulerCore([task('a'), task('b')], {
      holdOnFailure: true,
      holdOnSuccess: true,
    });
    core.markQueued(['a', 'b']);
    core.recordResult('a', ok());
    expect(core.status()).toMatchObject({ state: 'running', awaitingAcceptance: false });
    core.recordResult('b', bad('boom'));
    // A failure waits for a replan, not for the run's checks.
    expect(core.status()).toMatchObject({ awaitingReplan: true, awaitingAcceptance: false });
    core.extend({ add: [], retry: [{ taskId: 'b', dependsOn: [] }] });
    core.markQueued(['b']);
    core.recordResult('b', ok());
    expect(core.status()).toEqual({
      state: 'running',
      reason: "all tasks succeeded; the run's acceptance checks are due",
      awaitingReplan: false,
      awaitingAcceptance: true,
    });
    // The run check failed: new work is added, and the run waits for it.
    expect(core.extend({ add: [task('fix', ['a'])], retry: [] }).newlyReady).toHaveLength(1);
    expect(core.status().awaitingAcceptance).toBe(false);
    core.markQueued(['fix']);
    core.recordResult('fix', ok());
    expect(core.status().awaitingAcceptance).toBe(true);
    core.finish('succeeded', '2 run checks passed');
    expect(core.status()).toMatchObject({ state: 'succeeded', awaitingAcceptance: false });
  });

  it('holds dependents on failure until a replan retries the task behind a fix', () => {
    const core = new SchedulerCore([task('a'), task('b', ['a']), task('c')], {
      holdOnFailure: true,
    });
    core.markQueued(['a', 'c']);
    core.recordResult('a', bad('no flask'));
    expect(core.status()).toMatchObject({ state: 'running', awaitingReplan: false });
    core.recordResult('c', ok());
    expect(core.status()).toMatchObject({
      awaitingReplan: true,
      reason: expect.stringMatching(/no flask/),
    });
    expect(core.get('b')!.state).toBe('pending');

    const { newlyReady } = core.extend({
      add: [task('fix')],
      retry: [{ taskId: 'a', dependsOn: ['fix'] }],
    });
    expect(newlyReady.map((t) => t.id)).toEqual(['fix']);
    expect(core.get('a')).toMatchObject({ state: 'pending', generation: 1 });
    expect(core.status().awaitingReplan).toBe(false);
    core.markQueued(['fix']);
    expect(core.recordResult('fix', ok()).newlyReady.map((t) => t.id)).toEqual(['a']);
    core.markQueued(['a']);
    expect(core.recordResult('a', ok()).newlyReady.map((t) => t.id)).toEqual(['b']);
    core.markQueued(['b']);
    core.recordResult('b', ok());
    expect(core.status().state).toBe('succeeded');
  });

  it('un-skips dependents when a failed task is retried without holding', () => {
    const core = new SchedulerCore([task('a'), task('b', ['a']), task('c', ['b'])]);
    core.markQueued(['a']);
    expect(core.recordResult('a', bad()).skipped.map((s) => s.taskId)).toEqual(['b', 'c']);
    core.extend({ add: [], retry: [{ taskId: 'a', dependsOn: [] }] });
    expect(['a', 'b', 'c'].map((id) => core.get(id)!.state)).toEqual([
      'pending',
      'pending',
      'pending',
    ]);
    expect(core.ready().map((t) => t.id)).toEqual(['a']);
  });

  it('rejects a replan that would add a cycle or retry a task that did not fail', () => {
    const core = new SchedulerCore([task('a'), task('b', ['a'])]);
    expect(() => core.extend({ add: [], retry: [{ taskId: 'a', dependsOn: [] }] })).toThrow(
      /cannot retry task "a" in state pending/,
    );
    expect(() => core.extend({ add: [task('x', ['y']), task('y', ['x'])], retry: [] })).toThrow(
      /cycle/,
    );
  });

  it('ends early: pending tasks skipped, active ones cancelled, nothing more is ready', () => {
    const core = new SchedulerCore([task('a'), task('b', ['a']), task('c')]);
    core.markQueued(['a']);
    const changed = core.finish('failed', 'budget spent');
    expect(changed.map((n) => [n.task.id, n.state])).toEqual([
      ['a', 'cancelled'],
      ['b', 'skipped'],
      ['c', 'skipped'],
    ]);
    expect(core.ready()).toEqual([]);
    expect(core.status()).toEqual({
      state: 'failed',
      reason: 'budget spent',
      awaitingAcceptance: false,
      awaitingReplan: false,
    });
    expect(core.recordResult('a', ok()).accepted).toBe(false);
  });

  it("ends early naming each skipped task's own failed dependency, not the run's reason", () => {
    const core = new SchedulerCore(
      [task('backend'), task('api', ['backend']), task('frontend'), task('ui', ['frontend'])],
      { holdOnFailure: true },
    );
    core.markQueued(['backend', 'frontend']);
    core.recordResult('backend', bad('no venv'), 'backend-1');
    core.recordResult('frontend', bad('stuck'), 'frontend-1');
    core.finish('failed', core.status().reason);
    expect(core.get('ui')).toMatchObject({
      state: 'skipped',
      reason: 'dependency "frontend" did not succeed (task "frontend" failed: stuck)',
    });
    expect(core.get('api')!.reason).toBe(
      'dependency "backend" did not succeed (task "backend" failed: no venv)',
    );
  });

  it('reports a retried task whose retry never ran as the failure it had, with its agent', () => {
    const core = new SchedulerCore([task('a'), task('b', ['a'])], { holdOnFailure: true });
    core.markQueued(['a']);
    core.recordResult('a', bad('tests fail'), 'backend-7');
    core.extend({ add: [task('fix')], retry: [{ taskId: 'a', dependsOn: ['fix'] }] });
    core.markQueued(['fix']);
    core.recordResult('fix', bad('still broken'), 'backend-8');
    core.finish('failed', 'the master gave up');
    expect(core.get('a')).toMatchObject({
      state: 'failed',
      reason: 'task "a" failed: tests fail',
      agentId: 'backend-7',
      result: { output: 'tests fail' },
    });
    expect(core.get('b')!.reason).toBe(
      'dependency "a" did not succeed (task "a" failed: tests fail)',
    );
  });

  it('ends a 10,000-task pending chain without recursion', () => {
    const tasks = Array.from({ length: 10_000 }, (_, i) => task(`t${i}`, i ? [`t${i - 1}`] : []));
    const core = new SchedulerCore(tasks);
    expect(core.finish('cancelled', 'stop')).toHaveLength(10_000);
    const reverse = new SchedulerCore(tasks, { holdOnFailure: true });
    reverse.markQueued(['t0']);
    reverse.recordResult('t0', bad());
    expect(reverse.finish('failed', 'x').at(-1)!.reason).toMatch(/dependency "t9998"/);
  });

  it('handles a 10,000-task chain without recursion', () => {
    const tasks = Array.from({ length: 10_000 }, (_, i) => task(`t${i}`, i ? [`t${i - 1}`] : []));
    const core = new SchedulerCore(tasks);
    core.markQueued(['t0']);
    expect(core.recordResult('t0', bad()).skipped).toHaveLength(9_999);
  });
});
