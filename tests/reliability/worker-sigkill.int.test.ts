import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  countPerTask,
  type FleetProcess,
  killHard,
  type LocalFleet,
  startLocalFleet,
  waitFor,
} from './local-fleet.js';
import { recordFault } from './reliability-summary.js';
import { agentRules, backendTasks, planOf, sleepStep } from './scripted-replies.js';

// 20 trials on one fleet: each SIGKILLs a backend worker while it runs a task (a python sleep)
// and starts a replacement. The run must still succeed with every task recorded exactly once.

const TRIALS = 20;
const TASKS = 60;

describe('SIGKILL a random busy worker, 20 trials', () => {
  let fleet: LocalFleet;
  beforeAll(async () => {
    fleet = await startLocalFleet({ rules: agentRules('backend', planOf(sleepStep(1.5))) });
  });
  afterAll(() => fleet?.stop());

  it('re-runs each killed task elsewhere; the run succeeds with one result per task', async () => {
    const workers = new Map<string, FleetProcess>();
    const start = () => {
      const worker = fleet.startWorker('backend');
      workers.set(worker.name, worker);
      return worker;
    };
    const master = await fleet.startMaster();
    await Promise.all([master.ready, start().ready, start().ready, start().ready]);
    const workspace = await fleet.workspace({ venv: true });
    const build = fleet.build(
      'sleep a little, many times',
      workspace,
      backendTasks(TASKS),
      200_000,
    );

    const killedTasks = new Set<string>();
    const killedAgents: string[] = [];
    for (let trial = 1; trial <= TRIALS; trial++) {
      // A busy agent we started, alive, on a task no earlier trial killed; picked at random.
      const victim = await waitFor(
        `a busy worker for trial ${trial}`,
        async () => {
          const statuses = Object.values(await fleet.client.hgetall('codegod:agents:status')).map(
            (raw) =>
              JSON.parse(raw) as { agent_id: string; state: string; current_task: string | null },
          );
          const busy = statuses.filter((s) => {
            const proc = workers.get(s.agent_id);
            return (
              s.state === 'busy' &&
              s.current_task !== null &&
              !killedTasks.has(s.current_task) &&
              proc !== undefined &&
              proc.child.exitCode === null &&
              proc.child.signalCode === null
            );
          });
          return busy[Math.floor(Math.random() * busy.length)];
        },
        90_000,
      ).catch((error: unknown) => {
        throw new Error(`${String(error)}\n${fleet.logs().slice(-3000)}`);
      });
      killedTasks.add(victim.current_task!);
      killedAgents.push(victim.agent_id);
      await killHard(workers.get(victim.agent_id)!);
      // The replacement starts in the background, so kills keep landing while it boots.
      start();
    }

    const result = await build;
    const runId = result.report?.run_id ?? '';
    const events = await fleet.events(runId);
    const ends = countPerTask(
      events.filter((e) => e.type === 'task-end' && e.success),
      'task-end',
    );
    const starts = countPerTask(events, 'task-start');
    const results = await fleet.client.hlen(`codegod:run:${runId}:results`);
    recordFault({
      fault: `SIGKILL a busy worker mid-task (${TRIALS} trials, ${TASKS} tasks, 3 workers)`,
      behaviour: `killed tasks re-run by another replica; run ${result.report?.state}`,
      bound: 'lock 1.5 s, then stalled-job check every 0.4 s; max 2 stalls per task',
      outcome: `${ends.size}/${TASKS} tasks with exactly one successful task-end, ${results} results`,
    });

    expect(killedAgents).toHaveLength(TRIALS);
    expect(result.code, result.stderr).toBe(0);
    expect(result.report?.state).toBe('succeeded');
    expect(result.report?.tasks.every((t) => t.state === 'succeeded')).toBe(true);
    expect(results).toBe(TASKS);
    expect(ends.size).toBe(TASKS);
    expect([...ends.values()].every((n) => n === 1)).toBe(true);
    // Every killed task really was taken up again by another worker.
    for (const task of killedTasks) {
      const taskId = task.split('/').pop()!;
      expect(starts.get(taskId) ?? 0, taskId).toBeGreaterThanOrEqual(2);
    }
  }, 240_000);
});
