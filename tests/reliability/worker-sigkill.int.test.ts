import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  countPerTask,
  type FleetProcess,
  killHard,
  type LocalFleet,
  startLocalFleet,
  waitFor,
} from './local-fleet.js';
import { ageMs, descendants, type ProcessEntry, stillAlive } from './process-tree.js';
import { recordFault } from './reliability-summary.js';
import {
  agentRules,
  backendTasks,
  executions,
  planOf,
  SLOW_SCRIPT,
  slowStep,
} from './scripted-replies.js';

// A worker SIGKILLed while its command runs: under bubblewrap (the default) the command's whole
// process tree dies with the worker (--die-with-parent, its own pid namespace) and only the
// re-run reaches its end. Under `none` the same kill leaves the command running, which is why
// none is opt-in. The command is `python3 slow.py`, an allowed command that really runs.

/** The bound the issue sets on a killed worker's processes. */
const TREE_GONE_MS = 2000;

const readLog = (workspace: string) =>
  readFile(join(workspace, 'executions.log'), 'utf8').catch(() => '');

/**
 * The worker's processes once slow.py runs under it and has started its child (so it has
 * logged its start): the kill must land mid-command.
 */
async function commandTree(worker: FleetProcess): Promise<ProcessEntry[]> {
  return waitFor(
    `slow.py and its child running under ${worker.name}`,
    () => {
      const tree = descendants(worker.child.pid!);
      return tree.some((p) => p.cmdline.includes('time.sleep(600)')) ? tree : undefined;
    },
    90_000,
  );
}

describe.each([
  { sandbox: 'bubblewrap', dies: true },
  { sandbox: 'none', dies: false },
])('SIGKILL a worker mid-command under $sandbox', ({ sandbox, dies }) => {
  let fleet: LocalFleet;
  let orphans: ProcessEntry[] = [];
  beforeAll(async () => {
    fleet = await startLocalFleet({
      rules: agentRules('backend', planOf(slowStep(4))),
      env: { CODEGOD_SANDBOX: sandbox },
    });
  });
  afterAll(async () => {
    for (const orphan of stillAlive(orphans)) process.kill(orphan.pid, 'SIGKILL');
    await fleet?.stop();
  });

  it(dies
    ? 'the whole command tree dies with the worker; only the re-run reaches its end'
    : 'the command outlives the worker and both executions reach their end', async () => {
    const master = await fleet.startMaster();
    const first = fleet.startWorker('backend');
    await Promise.all([master.ready, first.ready]);
    const workspace = await fleet.workspace({ venv: true, files: { 'slow.py': SLOW_SCRIPT } });
    const build = fleet.build('run slow.py once', workspace, backendTasks(1), 120_000);

    const tree = await commandTree(first);
    await killHard(first);
    if (dies) {
      const gone = await waitFor(
        'the killed worker’s command tree to be gone',
        () => stillAlive(tree).length === 0,
        TREE_GONE_MS,
      ).catch(() => false);
      expect(gone, `still alive: ${JSON.stringify(stillAlive(tree))}`).toBe(true);
    } else {
      orphans = tree;
      await new Promise((resolve) => setTimeout(resolve, TREE_GONE_MS));
      expect(stillAlive(tree).map((p) => p.cmdline)).toContainEqual(
        expect.stringContaining('slow.py'),
      );
    }
    await fleet.startWorker('backend').ready;
    const result = await build;
    expect(result.report?.state, result.stderr).toBe('succeeded');
    // Long enough for an orphan to have finished too (slow.py runs 4 s).
    await waitFor('the orphan to finish', () => stillAlive(tree).length === 0, 30_000);
    const { starts, ends } = executions(await readLog(workspace));
    expect(starts).toHaveLength(2);
    if (dies) {
      expect(ends).toEqual([starts[1]]);
    } else {
      expect(ends.sort()).toEqual([...starts].sort());
    }
    expect(result.report?.sandbox).toEqual([sandbox]);
    recordFault({
      fault: `SIGKILL a worker while its command runs (sandbox ${sandbox})`,
      behaviour: dies
        ? 'the command tree dies with the worker; the task re-runs on another replica'
        : 'the command keeps running as an orphan; the task re-runs on another replica',
      bound: dies ? `tree gone within ${TREE_GONE_MS} ms (bwrap --die-with-parent)` : 'none',
      outcome: `${starts.length} executions started, ${ends.length} reached their end`,
    });
  }, 180_000);
});

// 20 trials on one fleet: each SIGKILLs a backend worker while it runs a task and starts a
// replacement. The run must succeed with every task recorded once, no killed worker's tree may
// outlive it, and only one execution per task may reach its end.

const TRIALS = 20;
const TASKS = 60;

describe('SIGKILL a random busy worker, 20 trials', () => {
  let fleet: LocalFleet;
  beforeAll(async () => {
    fleet = await startLocalFleet({ rules: agentRules('backend', planOf(slowStep(1.5))) });
  });
  afterAll(() => fleet?.stop());

  it('re-runs each killed task elsewhere; one result and one finished execution per task', async () => {
    const workers = new Map<string, FleetProcess>();
    const start = () => {
      const worker = fleet.startWorker('backend');
      workers.set(worker.name, worker);
      return worker;
    };
    const master = await fleet.startMaster();
    await Promise.all([master.ready, start().ready, start().ready, start().ready]);
    const workspace = await fleet.workspace({ venv: true, files: { 'slow.py': SLOW_SCRIPT } });
    const build = fleet.build('run slow.py, many times', workspace, backendTasks(TASKS), 200_000);

    const runId = await waitFor(
      'the run to start',
      async () => (await fleet.client.zrange('codegod:runs', 0, -1))[0],
    );
    /** Per live agent we started, the task it is running: a task-start without its task-end. */
    const running = async () => {
      const current = new Map<string, string>();
      for (const event of await fleet.events(runId)) {
        if (event.type === 'task-start') current.set(event.agent_id, event.task_id);
        if (event.type === 'task-end' && current.get(event.agent_id) === event.task_id) {
          current.delete(event.agent_id);
        }
      }
      return [...current].filter(([agent]) => {
        const proc = workers.get(agent);
        return proc !== undefined && proc.child.exitCode === null && proc.child.signalCode === null;
      });
    };

    const kills: { task: string; agent: string; at: number; survivors: string[] }[] = [];
    for (let trial = 1; trial <= TRIALS; trial++) {
      // A worker we started, alive, mid-command on a task no earlier trial killed, picked at
      // random; its slow.py started under a second ago, so the kill cannot race the command's end.
      const [agent, task, tree] = await waitFor(
        `a worker running slow.py for trial ${trial}`,
        async () => {
          const busy = (await running()).flatMap(([agent, task]) => {
            if (kills.some((k) => k.task === task)) return [];
            const tree = descendants(workers.get(agent)!.child.pid!);
            const child = tree.find((p) => p.cmdline.includes('time.sleep(600)'));
            return child && ageMs(child) < 800 ? [[agent, task, tree] as const] : [];
          });
          return busy[Math.floor(Math.random() * busy.length)];
        },
        90_000,
      ).catch((error: unknown) => {
        throw new Error(`${String(error)}\n${fleet.logs().slice(-3000)}`);
      });
      await killHard(workers.get(agent)!);
      kills.push({ task, agent, at: Date.now(), survivors: [] });
      // The replacement starts in the background, so kills keep landing while it boots.
      start();
      await waitFor('the tree to die', () => stillAlive(tree).length === 0, TREE_GONE_MS).catch(
        () => {
          kills.at(-1)!.survivors = stillAlive(tree).map((p) => `${p.pid} ${p.cmdline}`);
        },
      );
    }

    const result = await build;
    const events = await fleet.events(runId);
    const ends = countPerTask(
      events.filter((e) => e.type === 'task-end' && e.success),
      'task-end',
    );
    const results = await fleet.client.hlen(`codegod:run:${runId}:results`);
    const log = executions(await readLog(workspace));

    expect(kills).toHaveLength(TRIALS);
    expect(result.code, result.stderr).toBe(0);
    expect(result.report?.state).toBe('succeeded');
    expect(result.report?.tasks.every((t) => t.state === 'succeeded')).toBe(true);
    expect(results).toBe(TASKS);
    expect(ends.size).toBe(TASKS);
    expect([...ends.values()].every((n) => n === 1)).toBe(true);
    // No killed worker left a process behind.
    expect(kills.filter((k) => k.survivors.length > 0)).toEqual([]);
    // A killed worker finished nothing: each killed task ended once, on another worker.
    const ended = new Map(
      events.flatMap((e) => (e.type === 'task-end' && e.success ? [[e.task_id, e] as const] : [])),
    );
    for (const kill of kills)
      expect(ended.get(kill.task)?.agent_id, kill.task).not.toBe(kill.agent);
    recordFault({
      fault: `SIGKILL a worker mid-command (${TRIALS} trials, ${TASKS} tasks, 3 workers)`,
      behaviour: `killed tasks re-run by another replica; run ${result.report?.state}`,
      bound: `lock 1.5 s, then stalled-job check every 0.4 s; max 2 stalls per task; killed trees gone within ${TREE_GONE_MS} ms`,
      outcome: `${ends.size}/${TASKS} tasks with exactly one successful task-end, ${results} results; ${log.starts.length} executions started, ${log.ends.length} reached their end`,
    });
    // Every kill stopped one started execution, and only the re-runs reached their end.
    expect(log.starts).toHaveLength(TASKS + TRIALS);
    expect(log.ends).toHaveLength(TASKS);
  }, 240_000);
});
