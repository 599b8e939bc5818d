import { describe, expect, it } from 'vitest';
import { deferred, okResult, taskBusConformance, testRunId, testTask } from '../testing/index.js';
import { createInProcessTaskBus } from './in-process-task-bus.js';

taskBusConformance('in-process', async () => {
  const bus = createInProcessTaskBus({ attempts: 3, backoffMs: 10 });
  return {
    bus,
    recordResult: (runId, taskId, result, agentId) =>
      bus.recordResult(runId, taskId, result, agentId),
    cleanup: () => bus.close(),
  };
});

describe('InProcessTaskBus', () => {
  it('rejects bad settings naming the option and the environment variable', () => {
    expect(() => createInProcessTaskBus({ attempts: 0 })).toThrow(/attempts/);
    expect(() => createInProcessTaskBus({ env: { CODEGOD_TASK_BACKOFF_MS: 'soon' } })).toThrow(
      /CODEGOD_TASK_BACKOFF_MS/,
    );
  });

  it('hands a running task back on a forced close, and reports heartbeats', async () => {
    const bus = createInProcessTaskBus({ backoffMs: 1 });
    const runId = testRunId();
    const started = deferred();
    const first = await bus.work(
      'backend',
      async (_job, context) => {
        started.resolve();
        await new Promise((resolve) => context.signal.addEventListener('abort', resolve));
        return okResult('never recorded');
      },
      { agentId: 'backend-1' },
    );
    await bus.startRun({ runId, problem: 'x', graph: { tasks: [testTask('a')] } });
    await started.promise;
    expect(await bus.agents()).toEqual([
      expect.objectContaining({ agent_id: 'backend-1', state: 'busy', current_task: `${runId}/a` }),
    ]);
    await first.close({ force: true });
    await bus.work('backend', async () => okResult('second worker'), { agentId: 'backend-2' });
    const snapshot = await bus.waitForRun(runId, { signal: AbortSignal.timeout(30_000) });
    expect(snapshot.tasks[0]).toMatchObject({ agentId: 'backend-2', attempts: 1 });
    expect((await bus.agents()).map((a) => a.agent_id)).toEqual(['backend-2']);
    expect(await bus.metrics()).toMatchObject({ submitted: 1, completed: 1, retried: 0 });
    await bus.close();
  });

  it('forgets the oldest finished runs beyond keepFinishedRuns, so a long-lived process stays flat', async () => {
    const bus = createInProcessTaskBus({ keepFinishedRuns: 2 });
    await bus.work('backend', async () => okResult('done'));
    const ids = [testRunId(), testRunId(), testRunId(), testRunId()];
    for (const runId of ids) {
      await bus.startRun({ runId, problem: 'x', graph: { tasks: [testTask('a')] } });
      await bus.waitForRun(runId, { signal: AbortSignal.timeout(30_000) });
    }
    const kept = await Promise.all(ids.map(async (id) => (await bus.getRun(id)) !== undefined));
    expect(kept).toEqual([false, false, true, true]);
    expect((await bus.listRuns()).map((run) => run.runId).sort()).toEqual(ids.slice(2).sort());
    await bus.close();
  });

  it('waits for a replan without reading the whole run on every task end', async () => {
    const bus = createInProcessTaskBus();
    await bus.work('backend', async () => okResult('done'));
    const runId = testRunId();
    const count = 60;
    const tasks = Array.from({ length: count }, (_, index) =>
      testTask(`t${index}`, index === 0 ? [] : [`t${index - 1}`]),
    );
    let reads = 0;
    const getRun = bus.getRun.bind(bus);
    bus.getRun = (id) => {
      reads += 1;
      return getRun(id);
    };
    await bus.startRun({ runId, problem: 'x', graph: { tasks }, holdOnFailure: true });
    const snapshot = await bus.waitForRun(runId, {
      signal: AbortSignal.timeout(30_000),
      untilReplan: true,
    });
    expect(snapshot.state).toBe('succeeded');
    // One read once the run ended (and perhaps one from the first check); not one per task.
    expect(reads).toBeLessThanOrEqual(3);
    await bus.close();
  });
});
