// The plain BullMQ peer, run as its own process: one job per task on one queue; the worker
// makes the task's LLM call, then releases its dependents itself (HINCRBY on the run's count
// of unfinished dependencies; a dependent whose count reaches 0 is added as a job).
// Protocol: one JSON line on stdin per run ({ tasks }), one JSON line on stdout per run
// ({ wallMs, cpuMs }); `ready` on stdout once the worker listens. Env: REDIS_URL, LLM_URL.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { chat } from './llm-call.mjs';

const llmUrl = process.env.LLM_URL;
const connection = new Redis(process.env.REDIS_URL, { maxRetriesPerRequest: null });
const queue = new Queue('peer-dag', { connection, prefix: 'peer' });
/** Runs followed here, by id: their count of finished tasks and how to end them. */
const runs = new Map();

const key = (runId, part) => `peer:run:${runId}:${part}`;

const worker = new Worker(
  'peer-dag',
  async (job) => {
    const { runId, task } = job.data;
    await chat(llmUrl, task);
    const release = connection.multi();
    for (const dependent of task.dependents) release.hincrby(key(runId, 'waiting'), dependent, -1);
    release.hincrby(key(runId, 'waiting'), '.done', 1);
    const counts = (await release.exec()).map(([, value]) => value);
    const ready = task.dependents.filter((_, index) => counts[index] === 0);
    if (ready.length > 0) {
      const jobs = await connection.hmget(key(runId, 'tasks'), ...ready);
      await queue.addBulk(
        jobs.map((data) => ({ name: 'task', data: { runId, task: JSON.parse(data) } })),
      );
    }
    const run = runs.get(runId);
    if (run && counts.at(-1) === run.total) run.finish();
  },
  { connection, prefix: 'peer', concurrency: 1, removeOnComplete: { count: 100 } },
);

/** Starts a run of `tasks`, resolves when every task's job has completed. */
async function runDag(tasks) {
  const runId = randomUUID().slice(0, 8);
  const dependents = new Map(tasks.map((task) => [task.id, []]));
  for (const task of tasks) for (const dep of task.depends_on) dependents.get(dep).push(task.id);
  const jobs = tasks.map((task) => ({ ...task, dependents: dependents.get(task.id) }));
  const done = new Promise((finish) => runs.set(runId, { total: tasks.length, finish }));
  await connection.hset(
    key(runId, 'tasks'),
    Object.fromEntries(jobs.map((j) => [j.id, JSON.stringify(j)])),
  );
  const waiting = tasks
    .filter((t) => t.depends_on.length > 0)
    .map((t) => [t.id, t.depends_on.length]);
  if (waiting.length > 0) await connection.hset(key(runId, 'waiting'), Object.fromEntries(waiting));
  const roots = jobs.filter((job) => job.depends_on.length === 0);
  await queue.addBulk(roots.map((task) => ({ name: 'task', data: { runId, task } })));
  await done;
  runs.delete(runId);
  await connection.del(key(runId, 'tasks'), key(runId, 'waiting'));
}

await worker.waitUntilReady();
process.stdout.write('ready\n');
for await (const line of createInterface({ input: process.stdin })) {
  if (!line.trim()) continue;
  const { tasks } = JSON.parse(line);
  const cpu = process.cpuUsage();
  const started = performance.now();
  await runDag(tasks);
  const wallMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  process.stdout.write(`${JSON.stringify({ wallMs, cpuMs: (used.user + used.system) / 1000 })}\n`);
}
await worker.close();
await queue.close();
connection.disconnect();
