// How much an agent's observe + validate blocks the event loop every agent of a process shares
// (issue 15: "child processes never block the event loop"). Three measurements:
//   (a) the synchronous part of each command start (execa + fork/exec of bwrap), summed per task,
//       from the seed roles' real toolkits over their fixtures, with the per-process caches warm;
//   (b) the loop's delay (perf_hooks.monitorEventLoopDelay, 1 ms resolution) while 8 such tasks
//       run at once, against the same process idle for as long;
//   (c) side by side: `python3 -c pass` 40 times, 4 at a time, spawned on the main thread and
//       through a worker thread that owns the spawns, which is what a spawn helper would save.
// Run: npx tsx --conditions=@codegod/source scripts/bench/event-loop.ts [--quick]
import { spawn } from 'node:child_process';
import { type IntervalHistogram, monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import { type CommandRunner, createCommandRunner, toolkitFor } from '@codegod/actions';
import {
  makeFlaskAppFixture,
  makeImportErrorTestsFixture,
  makeMissingDockerfileFixture,
  makeNodeMainFixture,
} from '@codegod/actions/fixtures';
import { type Task, WORKER_ROLES, type WorkerRole } from '@codegod/protocol';
import { tempDir } from '@codegod/testkit';
import { type BenchRow, formatTable, isEntryPoint } from './bench-table.js';

const FIXTURES: Record<WorkerRole, (dir: string) => Promise<{ workspace: string }>> = {
  backend: makeFlaskAppFixture,
  frontend: (dir) => makeNodeMainFixture(dir),
  testing: makeImportErrorTestsFixture,
  devops: makeMissingDockerfileFixture,
};

/** A runner that adds up the time its callers wait for a command to be started. */
function timing(inner: CommandRunner): CommandRunner & { syncMs: number; commands: number } {
  const wrapper = {
    kind: inner.kind,
    syncMs: 0,
    commands: 0,
    start(spec: Parameters<CommandRunner['start']>[0]) {
      const started = performance.now();
      const running = inner.start(spec);
      wrapper.syncMs += performance.now() - started;
      wrapper.commands += 1;
      return running;
    },
    run(spec: Parameters<CommandRunner['run']>[0]) {
      const started = performance.now();
      const done = inner.run(spec);
      wrapper.syncMs += performance.now() - started;
      wrapper.commands += 1;
      return done;
    },
  };
  return wrapper;
}

/** The loop's delay while `work` runs: max, p99 and mean in ms. */
async function loopDelay(work: () => Promise<unknown>) {
  const histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  const started = performance.now();
  await work();
  const wallMs = performance.now() - started;
  histogram.disable();
  const toMs = (ns: number) => ns / 1e6;
  return {
    max: toMs(histogram.max),
    p99: toMs(histogram.percentile(99)),
    mean: toMs(histogram.mean),
    wallMs,
  };
}

const f1 = (value: number) => value.toFixed(1);

/** Spawns through a worker thread that owns the spawns; resolves with each child's exit. */
function workerSpawner() {
  const worker = new Worker(
    `const { parentPort } = require('node:worker_threads');
     const { spawn } = require('node:child_process');
     parentPort.on('message', ({ id, file, args }) => {
       const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
       child.stdout.resume();
       child.stderr.resume();
       child.on('close', (code) => parentPort.postMessage({ id, code }));
     });`,
    { eval: true },
  );
  const pending = new Map<number, () => void>();
  let next = 0;
  worker.on('message', ({ id }: { id: number }) => {
    pending.get(id)?.();
    pending.delete(id);
  });
  return {
    spawn: (file: string, args: string[]) =>
      new Promise<void>((done) => {
        const id = next++;
        pending.set(id, done);
        worker.postMessage({ id, file, args });
      }),
    close: () => worker.terminate(),
  };
}

/** The same spawn on the main thread. */
function mainThreadSpawn(file: string, args: string[]): Promise<void> {
  return new Promise((done) => {
    const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    child.stdout.resume();
    child.stderr.resume();
    child.on('close', () => done());
  });
}

/** Runs `count` spawns, `parallel` at a time. */
async function spawnMany(count: number, parallel: number, one: () => Promise<void>) {
  let left = count;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (left-- > 0) await one();
    }),
  );
}

export async function eventLoopBench(quick = false): Promise<BenchRow[]> {
  const rounds = quick ? 2 : 5;
  const dir = await tempDir('codegod-bench-event-loop-');
  const rows: BenchRow[] = [];
  try {
    let inner: CommandRunner;
    try {
      inner = createCommandRunner();
    } catch {
      inner = createCommandRunner({ sandbox: 'none' });
    }
    const runner = timing(inner);
    const roles = await Promise.all(
      WORKER_ROLES.map(async (role) => {
        const { workspace } = await FIXTURES[role](`${dir.path}/${role}`);
        const toolkit = toolkitFor(role, { runner, pingTimeoutMs: 200 });
        const task: Task = { id: 't', description: 'bench', role, depends_on: [] };
        return { role, workspace, toolkit, task };
      }),
    );
    const oneTask = async ({ toolkit, task, workspace }: (typeof roles)[number]) => {
      const context = { workspace, signal: AbortSignal.timeout(60_000) };
      await toolkit.observe(task, context);
      await toolkit.validate(task, context);
    };
    // Warm: the first task of each role fills the per-process caches (versions, probes).
    for (const role of roles) await oneTask(role);

    // (a) + (b): 8 tasks at once (two per role), `rounds` times, against as long idle.
    runner.syncMs = 0;
    runner.commands = 0;
    let tasks = 0;
    const busy = await loopDelay(async () => {
      for (let round = 0; round < rounds; round++) {
        await Promise.all([...roles, ...roles].map(oneTask));
        tasks += roles.length * 2;
      }
    });
    const idle = await loopDelay(() => sleep(busy.wallMs));
    const syncPerTask = runner.syncMs / tasks;
    rows.push({
      benchmark: `event loop (a): sync part of command starts per observe + validate (${runner.kind})`,
      measured:
        `${syncPerTask.toFixed(2)} ms per task (${(runner.commands / tasks).toFixed(2)} commands, ` +
        `${(runner.syncMs / Math.max(1, runner.commands)).toFixed(2)} ms each); ` +
        `against ${(busy.wallMs / rounds).toFixed(0)} ms per batch of 8 tasks at once`,
      goal: 'report',
    });
    rows.push({
      benchmark: 'event loop (b): delay while 8 observe + validate run at once / idle',
      measured:
        `p99 ${f1(busy.p99)} / ${f1(idle.p99)} ms = ${(busy.p99 / idle.p99).toFixed(2)}x, ` +
        `max ${f1(busy.max)} / ${f1(idle.max)} ms, mean ${f1(busy.mean)} / ${f1(idle.mean)} ms`,
      goal: 'report',
    });

    // (c) main thread vs a worker thread owning the spawns, interleaved rounds.
    const spawner = workerSpawner();
    const spawns = quick ? 20 : 40;
    const best = {
      main: { p99: Infinity, max: Infinity, wallMs: Infinity },
      worker: { p99: Infinity, max: Infinity, wallMs: Infinity },
    };
    try {
      for (let round = 0; round < rounds; round++) {
        const onMain = await loopDelay(() =>
          spawnMany(spawns, 4, () => mainThreadSpawn('python3', ['-c', 'pass'])),
        );
        const onWorker = await loopDelay(() =>
          spawnMany(spawns, 4, () => spawner.spawn('python3', ['-c', 'pass'])),
        );
        for (const [key, measured] of [
          ['main', onMain],
          ['worker', onWorker],
        ] as const) {
          best[key] = {
            p99: Math.min(best[key].p99, measured.p99),
            max: Math.min(best[key].max, measured.max),
            wallMs: Math.min(best[key].wallMs, measured.wallMs),
          };
        }
      }
    } finally {
      await spawner.close();
    }
    rows.push({
      benchmark: `event loop (c): ${spawns} spawns 4 at a time, worker thread / main thread (best of ${rounds})`,
      measured:
        `p99 ${f1(best.worker.p99)} / ${f1(best.main.p99)} ms = ${(best.worker.p99 / best.main.p99).toFixed(2)}x, ` +
        `max ${f1(best.worker.max)} / ${f1(best.main.max)} ms, ` +
        `wall ${best.worker.wallMs.toFixed(0)} / ${best.main.wallMs.toFixed(0)} ms`,
      goal: 'report',
    });
  } finally {
    await dir.remove();
  }
  return rows;
}

if (isEntryPoint(import.meta.url)) {
  const quick = process.argv.includes('--quick');
  console.log(`codegod event-loop bench${quick ? ' (--quick sizes)' : ''}`);
  console.log(formatTable(await eventLoopBench(quick)));
}
