// A master process that only schedules, for durability tests: `node dist/testing/scheduler-entry.js`.
// Env: REDIS_URL and the bus's CODEGOD_* settings. On start it resumes every running run.
import { createRedisTaskBus } from '../redis-task-bus.js';
import { closeOnSignals } from '../shutdown-on-signal.js';

const bus = await createRedisTaskBus({ scheduler: true });
closeOnSignals(async () => {
  await bus.close();
});
process.stdout.write('ready scheduler\n');
