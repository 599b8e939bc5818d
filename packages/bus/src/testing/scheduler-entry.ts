// A master process that only schedules, for durability tests: `node dist/testing/scheduler-entry.js`.
// Env: REDIS_URL and the bus's CODEGOD_* settings. On start it resumes every running run.

import { onStopSignals } from '@codegod/config';
import { createRedisTaskBus } from '../redis-task-bus.js';

const bus = await createRedisTaskBus({ scheduler: true });
onStopSignals(async () => {
  await bus.close();
  process.exit(0);
});
process.stdout.write('ready scheduler\n');
