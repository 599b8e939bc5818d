import { decompositionReply } from '@codegod/agents/testing';
import type { TaskGraph } from '@codegod/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import {
  countPerTask,
  killHard,
  type LocalFleet,
  startLocalFleet,
  waitFor,
} from './local-fleet.js';
import { recordFault } from './reliability-summary.js';
import { agentRules, planOf, SLOW_SCRIPT, slowStep } from './scripted-replies.js';

// The master and Redis die mid-run; the run must still end with one result per task.

/** Six parallel tasks and one that depends on all of them, so the scheduler has work left. */
const GRAPH: TaskGraph = {
  tasks: [
    ...['a1', 'a2', 'a3', 'a4', 'a5', 'a6'].map((id) => ({
      id,
      description: `step ${id}`,
      role: 'backend' as const,
      depends_on: [],
    })),
    {
      id: 'join',
      description: 'after all',
      role: 'backend' as const,
      depends_on: ['a1', 'a2', 'a3', 'a4', 'a5', 'a6'],
    },
  ],
};

describe('restarts mid-run', () => {
  let fleet: LocalFleet | undefined;
  afterEach(async () => {
    await fleet?.stop();
    fleet = undefined;
  });

  async function endsOnce(f: LocalFleet, runId: string) {
    const events = await f.events(runId);
    const ends = countPerTask(
      events.filter((e) => e.type === 'task-end' && e.success),
      'task-end',
    );
    return {
      ends,
      results: await f.client.hlen(`codegod:run:${runId}:results`),
      runEnds: events.filter((e) => e.type === 'run-end').length,
    };
  }

  const taskEnds = async (f: LocalFleet) => {
    const runs = await f.client.zrange('codegod:runs', 0, -1);
    const runId = runs[0];
    if (!runId) return 0;
    return (await f.events(runId)).filter((e) => e.type === 'task-end').length;
  };

  it('SIGKILL the master mid-run, start another: the run resumes and the CLI gets the report', async () => {
    const f = await startLocalFleet({ rules: agentRules('backend', planOf(slowStep(0.8))) });
    fleet = f;
    const first = await f.startMaster();
    await Promise.all([
      first.ready,
      f.startWorker('backend').ready,
      f.startWorker('backend').ready,
    ]);
    const build = f.build(
      'survive a master crash',
      await f.workspace({ venv: true, files: { 'slow.py': SLOW_SCRIPT } }),
      GRAPH,
    );
    await waitFor('two finished tasks', async () => ((await taskEnds(f)) >= 2 ? true : undefined));
    await killHard(first);
    const second = await f.startMaster();
    await second.ready;
    const result = await build;
    const runId = result.report?.run_id ?? '';
    const { ends, results, runEnds } = await endsOnce(f, runId);
    recordFault({
      fault: 'SIGKILL the master mid-run, then start a new one',
      behaviour: `new master resumed the run from Redis; CLI follower got the report (${result.report?.state})`,
      bound: 'run state in Redis; follower polls for the report',
      outcome: `${ends.size}/${GRAPH.tasks.length} tasks with one successful task-end, ${results} results, ${runEnds} run-end`,
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.report?.state).toBe('succeeded');
    expect(results).toBe(GRAPH.tasks.length);
    expect(ends.size).toBe(GRAPH.tasks.length);
    expect([...ends.values()].every((n) => n === 1)).toBe(true);
    expect(runEnds).toBe(1);
    expect(second.output()).toMatch(/resuming run/);
  }, 120_000);

  it('a second master starts the submission the first is still decomposing: it follows the run, and the CLI gets its report, not a failed one', async () => {
    const f = await startLocalFleet({
      rules: [
        {
          match: { role: 'master', phase: 'decompose' },
          latencyMs: 3_000,
          reply: decompositionReply([
            {
              id: 'slow',
              description: 'run slow.py',
              role: 'backend',
              depends_on: [],
              acceptance: [{ type: 'file', path: 'executions.log', content_regex: '^end ' }],
            },
          ]),
        },
        // The task outlasts the second master's decomposition, so the run is live when that
        // master's start of it is refused.
        ...agentRules('backend', planOf(slowStep(6))),
      ],
    });
    fleet = f;
    const first = await f.startMaster();
    await Promise.all([first.ready, f.startWorker('backend').ready]);
    const build = f.build(
      'two masters, one submission',
      await f.workspace({ venv: true, files: { 'slow.py': SLOW_SCRIPT } }),
    );
    const decompositions = () => f.llm.requests.filter((r) => r.phase === 'decompose').length;
    await waitFor('the first master decomposing', async () => decompositions() >= 1 || undefined);
    // Started now, the second master finds the submission taken and not yet started.
    const second = await f.startMaster();
    await second.ready;
    await waitFor('both masters decomposing', async () => decompositions() >= 2 || undefined);
    const result = await build;
    recordFault({
      fault: 'a second master starts a submission the first is still decomposing',
      behaviour: `the master whose start was refused follows the run; CLI got ${result.report?.state}`,
      bound: 'createRun refuses a second start of the run id (RunExistsError)',
      outcome: `exit ${result.code}, report ${result.report?.state}`,
    });
    expect(result.code, `${result.stderr}\n${f.logs().slice(-3000)}`).toBe(0);
    expect(result.report?.state).toBe('succeeded');
    expect(f.logs()).toMatch(/run started by another master; following it/);
    const runId = result.report?.run_id ?? '';
    const stored = JSON.parse((await f.client.get(`codegod:run:${runId}:report`)) ?? '{}');
    expect(stored.state).toBe('succeeded');
  }, 120_000);

  it('restart Redis (AOF) mid-run: the run completes, nothing lost or doubled', async () => {
    const f = await startLocalFleet({
      aof: true,
      rules: agentRules('backend', planOf(slowStep(0.8))),
    });
    fleet = f;
    const master = await f.startMaster();
    await Promise.all([
      master.ready,
      f.startWorker('backend').ready,
      f.startWorker('backend').ready,
    ]);
    const build = f.build(
      'survive a redis restart',
      await f.workspace({ venv: true, files: { 'slow.py': SLOW_SCRIPT } }),
      GRAPH,
      90_000,
    );
    await waitFor('two finished tasks', async () => ((await taskEnds(f)) >= 2 ? true : undefined));
    await f.redis.restart();
    const result = await build;
    const runId = result.report?.run_id ?? (await f.client.zrange('codegod:runs', 0, -1))[0] ?? '';
    if (result.code !== 0) {
      // Diagnostics: what Redis holds when the run did not end.
      const queue = await f.client.keys('codegod:tasks-backend:*');
      console.log(
        'run state after the failed restart: tasks',
        await f.client.hgetall(`codegod:run:${runId}:tasks`),
        'results',
        await f.client.hkeys(`codegod:run:${runId}:results`),
        'run',
        await f.client.hgetall(`codegod:run:${runId}`),
        'queue keys',
        queue,
        'wait',
        await f.client.lrange('codegod:tasks-backend:wait', 0, -1),
        'events',
        (await f.events(runId)).map((e) => `${e.ts} ${e.type} ${'task_id' in e ? e.task_id : ''}`),
      );
    }
    const { ends, results, runEnds } = await endsOnce(f, runId);
    recordFault({
      fault: 'restart Redis (SIGKILL, AOF fsync always) mid-run',
      behaviour: `services reconnected; run ${result.report?.state}`,
      bound: 'ioredis reconnects; BullMQ stalled-job check re-queues interrupted tasks',
      outcome: `${ends.size}/${GRAPH.tasks.length} tasks with one successful task-end, ${results} results, ${runEnds} run-end`,
    });
    expect(result.code, `${result.stderr}\n${f.logs().slice(-3000)}`).toBe(0);
    expect(result.report?.state).toBe('succeeded');
    expect(results).toBe(GRAPH.tasks.length);
    expect(ends.size).toBe(GRAPH.tasks.length);
    expect([...ends.values()].every((n) => n === 1)).toBe(true);
    expect(runEnds).toBe(1);
  }, 120_000);
});
