// A worker process for durability tests and benchmarks: `node dist/testing/worker-entry.js`.
// Env: REDIS_URL, WORKER_ROLE (default backend), AGENT_ID, WORKER_CONCURRENCY, and the bus's
// CODEGOD_* settings. A task whose description is `sleep:<ms>` sleeps that long (abortably).
import { onStopSignals } from '@codegod/config';
import { type WorkerRole, workerRoleSchema } from '@codegod/protocol';
import { createRedisTaskBus } from '../redis-task-bus.js';
import { okResult } from './fixtures.js';

const role: WorkerRole = workerRoleSchema.parse(process.env.WORKER_ROLE ?? 'backend');
const bus = await createRedisTaskBus({ scheduler: false });
const worker = await bus.work(
  role,
  async (job, context) => {
    const ms = Number(/^sleep:(\d+)$/.exec(job.task.description)?.[1] ?? 0);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(resolve, ms);
      context.signal.addEventListener('abort', () => {
        clearTimeout(timer);
        reject(new Error('aborted'));
      });
    });
    return okResult(`${job.task.id} by ${context.agentId}`);
  },
  {
    concurrency: Number(process.env.WORKER_CONCURRENCY ?? 1),
    ...(process.env.AGENT_ID ? { agentId: process.env.AGENT_ID } : {}),
  },
);
onStopSignals(async ({ force }) => {
  await worker.close({ force });
  await bus.close();
  process.exit(0);
});
process.stdout.write(`ready ${worker.agentId}\n`);
