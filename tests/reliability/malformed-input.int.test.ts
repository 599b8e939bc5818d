import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FleetProcess, type LocalFleet, startLocalFleet, waitFor } from './local-fleet.js';
import { recordFault } from './reliability-summary.js';
import { agentRules, backendTasks, planOf, step } from './scripted-replies.js';

// Garbage pushed straight into the BullMQ queue and the master's inbox: each job fails once,
// non-retryably, with a reason; the worker and master keep serving a real run.

const GARBAGE: unknown[] = [
  null,
  'just a string',
  42,
  [1, 2, 3],
  {},
  { run_id: 'x', task: { id: 'no spaces allowed' } },
  { run_id: 42, task: 'nope', attempt: -1 },
  { nested: { deep: Array.from({ length: 50 }, (_, i) => ({ i, pad: 'x'.repeat(100) })) } },
  // Well-formed task for a run nobody started.
  {
    run_id: `run-ghost-${randomUUID().slice(0, 6)}`,
    task: { id: 'ghost', description: 'ghost', role: 'backend', depends_on: [] },
  },
];

describe('malformed jobs and submissions', () => {
  let fleet: LocalFleet;
  let worker: FleetProcess;
  let master: FleetProcess;
  beforeAll(async () => {
    fleet = await startLocalFleet({
      rules: agentRules('backend', planOf(step('check_file_exists', { path: 'venv' }))),
    });
    master = await fleet.startMaster();
    worker = fleet.startWorker('backend');
    await Promise.all([master.ready, worker.ready]);
  });
  afterAll(() => fleet?.stop());

  it('each malformed job fails once with a reason; the worker keeps running; a run still succeeds', async () => {
    const connection = { url: fleet.redis.url, maxRetriesPerRequest: null };
    const queue = new Queue('tasks-backend', { connection, prefix: 'codegod' });
    try {
      const jobs = await Promise.all(
        GARBAGE.map((data, i) =>
          queue.add(`garbage-${i}`, data as object, { attempts: 3, backoff: 10 }),
        ),
      );
      // A real run alongside the garbage.
      const build = fleet.build(
        'a real run',
        await fleet.workspace({ venv: true }),
        backendTasks(2),
      );
      const states = await waitFor(
        'every garbage job to fail',
        async () => {
          const now = await Promise.all(jobs.map((job) => queue.getJob(job.id!)));
          const failed = await Promise.all(now.map((job) => job?.isFailed()));
          return failed.every(Boolean) ? now : undefined;
        },
        90_000,
      );
      const result = await build;
      const reasons = states.map((job) => job?.failedReason ?? '');
      recordFault({
        fault: `${GARBAGE.length} malformed jobs pushed into codegod tasks-backend (attempts: 3)`,
        behaviour:
          'each failed on its first attempt (UnrecoverableError) with a reason; worker kept running',
        bound: 'payload schema check before any work',
        outcome: `attempts made: ${states.map((s) => s?.attemptsMade).join(',')}; concurrent run ${result.report?.state}; e.g. "${reasons[5]?.slice(0, 80)}"`,
      });
      for (const [i, state] of states.entries()) {
        expect(state?.attemptsMade, `job ${i}: ${reasons[i]}`).toBe(1);
        expect(reasons[i]?.length, `job ${i}`).toBeGreaterThan(10);
      }
      expect(reasons.slice(0, 8).every((r) => /malformed task job/.test(r))).toBe(true);
      expect(worker.child.exitCode).toBeNull();
      expect(result.code, result.stderr).toBe(0);
      expect(result.report?.state).toBe('succeeded');
    } finally {
      await queue.close();
    }
  }, 120_000);

  it('a malformed submission is dropped with a warning; the master keeps taking runs', async () => {
    await fleet.client.lpush('codegod:submissions', '{not json', JSON.stringify({ run_id: 7 }));
    const result = await fleet.build(
      'after garbage',
      await fleet.workspace({ venv: true }),
      backendTasks(1),
    );
    const dropped = master.output().match(/dropped a malformed submission/g)?.length ?? 0;
    recordFault({
      fault: 'malformed entries pushed into codegod:submissions',
      behaviour: 'master logged "dropped a malformed submission" and went on',
      bound: 'submission schema check',
      outcome: `${dropped} dropped; next run ${result.report?.state}`,
    });
    expect(dropped).toBe(2);
    expect(master.child.exitCode).toBeNull();
    expect(result.report?.state).toBe('succeeded');
  }, 120_000);
});
