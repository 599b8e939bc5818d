#!/usr/bin/env node
// The master-orchestrator process: config, wiring and signals; the wiring is in @codegod/fleet.
import { createLogger, loadConfig } from '@codegod/config';
import {
  connectRedis,
  type ServiceProcess,
  serviceProcess,
  startMasterService,
} from '@codegod/fleet';

const logger = createLogger({
  name: 'master-orchestrator',
  level: process.env.LOG_LEVEL || 'info',
});

// Explicitly typed, so TypeScript narrows after `entry.fail(...)`, which never returns.
const entry: ServiceProcess = serviceProcess('master-orchestrator', logger);

try {
  const config = loadConfig();
  if (!config.redisUrl) entry.fail('REDIS_URL is required: the master keeps run state in Redis.');
  const probe = await connectRedis(config.redisUrl);
  probe.disconnect();
  // start-agents.sh picks a free BULL_BOARD_PORT when 3000 is taken; the master must use it.
  const boardPort = process.env.BULL_BOARD_PORT?.trim();
  if (boardPort && !/^\d{1,5}$/.test(boardPort)) {
    entry.fail(`BULL_BOARD_PORT must be a port number (got ${JSON.stringify(boardPort)}).`);
  }
  const service = await startMasterService({
    config: { ...config, redisUrl: config.redisUrl },
    logger,
    ...(boardPort ? { bullBoardPort: Number(boardPort) } : {}),
    ...(process.env.AGENT_ID?.trim() ? { masterId: process.env.AGENT_ID.trim() } : {}),
  });
  // Runs in flight are resumed from Redis by the next master.
  entry.stopOnSignals(() => service.close());
} catch (error) {
  entry.failWith(error);
}
