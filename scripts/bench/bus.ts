// Benchmarks the Redis task bus against raw BullMQ on one throwaway redis-server.
// Run: npx tsx --conditions=@codegod/source scripts/bench/bus.ts [--quick]
// Prints one table: (a) DAG throughput vs raw BullMQ, (b) makespan vs critical path,
// (c) per-task overhead at three sizes, (d) Redis commands per task, each with its goal and
// PASS/MISS. `--commands` runs (d) alone.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { createRedisTaskBus, type RedisTaskBus } from '@codegod/bus';
import { okResult, testStep } from '@codegod/bus/testing';
import { type Task, WORKER_ROLES } from '@codegod/protocol';
import { startRedisServer } from '@codegod/testkit';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';

const quick = process.argv.includes('--quick');
const commandsOnly = process.argv.includes('--commands');
const SIZES = quick
  ? { throughput: 500, makespan: 60, overhead: [100, 1_000, 2_000], commands: 200 }
  : { throughput: 2_000, makespan: 200, overhead: [100, 1_000, 10_000], commands: 500 };
/** Step events each task records in (d): one iteration's observe, reason, plan, act, validate. */
const STEPS_PER_TASK = 5;
/** Slots per worker in the throughput runs, the same for raw BullMQ and the bus. */
const CONCURRENCY = 16;
/**
 * Each figure is the best of this many rounds (raw and bus alternate): on a shared machine
 * other load only ever slows a round down, so the fastest round is the least disturbed one.
 */
const ROUNDS = quick ? 1 : 3;

/** A deterministic pseudo-random generator, so runs are comparable. */
function rng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1_664_525 + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

/** A random DAG: each task depends on up to `maxDeps` of the `window` tasks before it. */
function randomDag(size: number, seed: number, window: number, maxDeps: number, roles = false) {
  const random = rng(seed);
  const tasks: Task[] = [];
  for (let i = 0; i < size; i++) {
    const deps = new Set<string>();
    const count = i === 0 ? 0 : Math.floor(random() * (maxDeps + 1));
    for (let d = 0; d < count; d++) {
      deps.add(`t${Math.max(0, i - 1 - Math.floor(random() * Math.min(window, i)))}`);
    }
    const role = roles ? WORKER_ROLES[Math.floor(random() * WORKER_ROLES.length)]! : 'backend';
    tasks.push({ id: `t${i}`, description: 'noop', role, depends_on: [...deps] });
  }
  return tasks;
}

async function runDag(bus: RedisTaskBus, tasks: Task[]): Promise<number> {
  const runId = `bench-${randomUUID().slice(0, 8)}`;
  const started = performance.now();
  await bus.startRun({ runId, problem: 'bench', graph: { tasks } });
  const snapshot = await bus.waitForRun(runId, { signal: AbortSignal.timeout(600_000) });
  if (snapshot.state !== 'succeeded')
    throw new Error(`bench run ${snapshot.state}: ${snapshot.reason}`);
  return performance.now() - started;
}

async function rawBullmq(redisUrl: string, count: number): Promise<number> {
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const name = `raw-${randomUUID().slice(0, 8)}`;
  const queue = new Queue(name, { connection, prefix: 'bench' });
  let done = 0;
  let finish!: () => void;
  const all = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const worker = new Worker(
    name,
    async () => {
      if (++done === count) finish();
    },
    { connection, prefix: 'bench', concurrency: CONCURRENCY },
  );
  await worker.waitUntilReady();
  const started = performance.now();
  const jobs = Array.from({ length: count }, (_, i) => ({ name: 'noop', data: { i } }));
  for (let i = 0; i < jobs.length; i += 500) await queue.addBulk(jobs.slice(i, i + 500));
  await all;
  const elapsed = performance.now() - started;
  await worker.close();
  await queue.close();
  connection.disconnect();
  return elapsed;
}

/** The longest dependency chain, weighting each task by its sleep. */
function criticalPath(tasks: Task[], sleepOf: Map<string, number>): number {
  const finish = new Map<string, number>();
  for (const task of tasks) {
    const ready = Math.max(0, ...task.depends_on.map((d) => finish.get(d)!));
    finish.set(task.id, ready + sleepOf.get(task.id)!);
  }
  return Math.max(...finish.values());
}

/** Calls per command name since the last CONFIG RESETSTAT, commands run by scripts included. */
async function commandCalls(redis: Redis): Promise<Map<string, number>> {
  const calls = new Map<string, number>();
  for (const match of (await redis.info('commandstats')).matchAll(/^cmdstat_(\S+?):calls=(\d+)/gm))
    calls.set(match[1]!, Number(match[2]));
  return calls;
}

/**
 * (d) The Redis commands per task of a fleet: a master bus (the scheduler) and a separate
 * worker bus, as in two processes, where each task records STEPS_PER_TASK step events.
 */
async function commandsPerTask(redisUrl: string, admin: Redis, size: number) {
  await admin.flushall();
  const master = await createRedisTaskBus({ redisUrl, scheduler: true, env: {} });
  const agents = await createRedisTaskBus({ redisUrl, env: {} });
  await agents.work(
    'backend',
    async (job, context) => {
      for (let i = 1; i <= STEPS_PER_TASK; i++)
        await agents.appendEvent(testStep(job, context.agentId, i));
      return okResult('ok');
    },
    { concurrency: CONCURRENCY },
  );
  await admin.config('RESETSTAT');
  await runDag(master, randomDag(size, 4, 200, 2));
  const calls = await commandCalls(admin);
  await agents.close();
  await master.close();
  // INFO and CONFIG are the bench's own reads.
  const total = [...calls].reduce(
    (sum, [name, n]) => (name === 'info' || name.startsWith('config') ? sum : sum + n),
    0,
  );
  return { total: total / size, of: (name: string) => (calls.get(name) ?? 0) / size };
}

const server = await startRedisServer();
const admin = new Redis(server.url);
const rows: [string, string, string, boolean][] = [];
const fresh = async (concurrency: number, handler: 'noop' | 'sleep') => {
  await admin.flushall();
  const bus = await createRedisTaskBus({ redisUrl: server.url, scheduler: true, env: {} });
  for (const role of WORKER_ROLES) {
    await bus.work(
      role,
      async (job) => {
        const ms = Number(/^sleep:(\d+)$/.exec(job.task.description)?.[1] ?? 0);
        if (handler === 'sleep' && ms > 0) await new Promise((r) => setTimeout(r, ms));
        return okResult('ok');
      },
      { concurrency },
    );
  }
  return bus;
};

try {
  if (!commandsOnly) await timings();
  const commands = await commandsPerTask(server.url, admin, SIZES.commands);
  const per = (name: string) => commands.of(name).toFixed(2);
  rows.push([
    `(d) Redis commands per task, ${SIZES.commands} tasks of ${STEPS_PER_TASK} step events`,
    `${commands.total.toFixed(1)} commands: PUBLISH ${per('publish')}, XADD ${per('xadd')}, EVALSHA ${per('evalsha')}, HINCRBY ${per('hincrby')}, HSET ${per('hset')}`,
    'PUBLISH <= 3 a task (queue, start, end) + 2 a run',
    commands.of('publish') * SIZES.commands <= 3 * SIZES.commands + 2,
  ]);
} finally {
  admin.disconnect();
  await server.stop();
}

/** (a), (b) and (c). */
async function timings() {
  // (a) throughput: the same number of no-op jobs, raw BullMQ vs a wide DAG on the bus.
  const n = SIZES.throughput;
  let rawMs = Number.POSITIVE_INFINITY;
  let dagMs = Number.POSITIVE_INFINITY;
  let bus: RedisTaskBus;
  for (let round = 0; round < ROUNDS; round++) {
    await admin.flushall();
    rawMs = Math.min(rawMs, await rawBullmq(server.url, n));
    bus = await fresh(CONCURRENCY, 'noop');
    dagMs = Math.min(dagMs, await runDag(bus, randomDag(n, 1, 200, 2)));
    await bus.close();
  }
  const rawRate = (n / rawMs) * 1000;
  const dagRate = (n / dagMs) * 1000;
  const ratio = dagRate / rawRate;
  rows.push([
    `(a) throughput, ${n} no-op tasks`,
    `bus ${dagRate.toFixed(0)}/s vs raw BullMQ ${rawRate.toFixed(0)}/s = ${ratio.toFixed(2)}`,
    'ratio >= 0.50',
    ratio >= 0.5,
  ]);

  // (b) makespan of sleep tasks with a slot for every task vs the critical path.
  const random = rng(7);
  const dag = randomDag(SIZES.makespan, 2, 20, 3, true).map((t) => ({
    ...t,
    description: `sleep:${50 + Math.floor(random() * 150)}`,
  }));
  const sleepOf = new Map(dag.map((t) => [t.id, Number(t.description.slice(6))]));
  let makespan = Number.POSITIVE_INFINITY;
  for (let round = 0; round < ROUNDS; round++) {
    bus = await fresh(SIZES.makespan, 'sleep');
    makespan = Math.min(makespan, await runDag(bus, dag));
    await bus.close();
  }
  const critical = criticalPath(dag, sleepOf);
  rows.push([
    `(b) makespan, ${SIZES.makespan} sleep tasks (50-200 ms)`,
    `${makespan.toFixed(0)} ms vs critical path ${critical} ms = ${(makespan / critical).toFixed(3)}`,
    'ratio <= 1.10',
    makespan / critical <= 1.1,
  ]);

  // (c) per-task overhead of no-op DAGs at three sizes.
  const perTask: number[] = [];
  for (const size of SIZES.overhead) {
    let best = Number.POSITIVE_INFINITY;
    for (let round = 0; round < ROUNDS; round++) {
      bus = await fresh(CONCURRENCY, 'noop');
      best = Math.min(best, (await runDag(bus, randomDag(size, 3, 200, 2))) / size);
      await bus.close();
    }
    perTask.push(best);
  }
  const growth = perTask[2]! / perTask[0]!;
  rows.push([
    `(c) per-task overhead at ${SIZES.overhead.join(' / ')}`,
    `${perTask.map((ms) => `${ms.toFixed(2)} ms`).join(' / ')}; largest/smallest = ${growth.toFixed(2)}`,
    'largest <= 1.5x smallest',
    growth <= 1.5,
  ]);
}

const header = ['benchmark', 'measured', 'goal', 'result'];
const table = rows.map(([a, b, c, ok]) => [a, b, c, ok ? 'PASS' : 'MISS']);
const widths = header.map((h, i) => Math.max(h.length, ...table.map((r) => r[i]!.length)));
const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
console.log(`codegod bus bench${quick ? ' (--quick sizes)' : ''}, best of ${ROUNDS} round(s)`);
console.log(line(header));
console.log(line(widths.map((w) => '-'.repeat(w))));
for (const row of table) console.log(line(row));
process.exit(0);
