import { describe, expect, it } from 'vitest';
import { createInProcessTaskBus } from './in-process-task-bus.js';
import { deferred, okResult, taskBusConformance, testRunId, testTask } from './testing/index.js';

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
});
