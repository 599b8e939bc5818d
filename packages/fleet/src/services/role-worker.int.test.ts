import { join } from 'node:path';
import { createInProcessTaskBus } from '@codegod/bus';
import type { Result } from '@codegod/protocol';
import { tempDir } from '@codegod/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { InMemoryRunWorkspaces } from '../stores/run-workspaces.js';
import { startRoleWorker } from './role-worker.js';

/** Run workspaces that count the lookups. */
class CountingWorkspaces extends InMemoryRunWorkspaces {
  gets = 0;
  override async get(runId: string) {
    this.gets++;
    return super.get(runId);
  }
}

const done: Result = {
  success: true,
  output: 'done',
  reasoning: null,
  actions_taken: [],
  validation: { valid: true, output: 'ok', checks: [] },
};

describe('startRoleWorker (in-process bus, real folders)', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  it("looks a run's workspace up once for all the run's tasks it runs, and creates the folder", async () => {
    const dir = await tempDir('codegod-role-worker-');
    const bus = createInProcessTaskBus({});
    cleanups.push(
      () => dir.remove(),
      () => bus.close(),
    );
    const workspaces = new CountingWorkspaces();
    const seen: string[] = [];
    const worker = await startRoleWorker({
      bus,
      role: 'backend',
      workspaces,
      createRunner: () => ({
        async run(_task, options) {
          seen.push(options.workspace);
          return done;
        },
      }),
    });
    cleanups.push(() => worker.close());
    for (const [runId, folder] of [
      ['run-a', 'a'],
      ['run-b', 'b'],
    ] as const) {
      // Not there yet: the worker makes it.
      await workspaces.set(runId, join(dir.path, folder));
      await bus.startRun({
        runId,
        problem: 'three tasks in a row',
        graph: {
          tasks: ['one', 'two', 'three'].map((id, i, ids) => ({
            id,
            description: `task ${id}`,
            role: 'backend' as const,
            depends_on: i === 0 ? [] : [ids[i - 1]!],
          })),
        },
      });
      expect((await bus.waitForRun(runId)).state).toBe('succeeded');
    }
    expect(seen).toEqual([
      ...Array(3).fill(join(dir.path, 'a')),
      ...Array(3).fill(join(dir.path, 'b')),
    ]);
    // Once per run, not once per task.
    expect(workspaces.gets).toBe(2);
  });

  it('fails a task whose run has no workspace, with a reason that says so', async () => {
    const bus = createInProcessTaskBus({ attempts: 1 });
    cleanups.push(() => bus.close());
    const workspaces = new CountingWorkspaces();
    const worker = await startRoleWorker({
      bus,
      role: 'backend',
      workspaces,
      createRunner: () => ({ run: async () => done }),
    });
    cleanups.push(() => worker.close());
    await bus.startRun({
      runId: 'run-lost',
      problem: 'no workspace',
      graph: {
        tasks: [{ id: 'one', description: 'task one', role: 'backend', depends_on: [] }],
      },
    });
    const ended = await bus.waitForRun('run-lost');
    expect(ended.state).toBe('failed');
    expect(JSON.stringify(ended)).toMatch(/no absolute workspace path/);
  });
});
