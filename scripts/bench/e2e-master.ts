// The master process of the e2e bench: services/master-orchestrator's main.ts without Bull
// Board, whose port (3000) main.ts cannot change and other runs on this machine may hold.
// Started by e2e.ts as `node --import tsx scripts/bench/e2e-master.ts`, so it loads the built
// dists like the agent-worker service does.
import { createLogger, loadConfig } from '@codegod/config';
import { startMasterService } from '@codegod/orchestrator';

const logger = createLogger({ name: 'bench-master', level: process.env.LOG_LEVEL || 'info' });
const config = loadConfig();
if (!config.redisUrl) throw new Error('REDIS_URL is required');
const service = await startMasterService({
  config: { ...config, redisUrl: config.redisUrl },
  logger,
  bullBoardPort: null,
});
const stop = () => {
  service.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
