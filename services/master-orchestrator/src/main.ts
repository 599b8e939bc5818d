#!/usr/bin/env node
// The master-orchestrator process: config, wiring and signals; the wiring is in @codegod/fleet.
import { createLogger, loadConfig, logLevelBeforeConfig } from '@codegod/config';
import {
  connectRedis,
  type ServiceProcess,
  serviceProcess,
  startMasterService,
} from '@codegod/fleet';

// Made before loadConfig so that a bad setting, LOG_LEVEL too, is logged as one line.
const logger = createLogger({ name: 'master-orchestrator', level: logLevelBeforeConfig() });

// Explicitly typed, so TypeScript narrows after `entry.fail(...)`, which never returns.
const entry: ServiceProcess = serviceProcess('master-orchestrator', logger);

try {
  const config = loadConfig();
  if (!config.redisUrl) entry.fail('REDIS_URL is required: the master keeps run state in Redis.');
  const probe = await connectRedis(config.redisUrl);
  probe.disconnect();
  const service = await startMasterService({
    config: { ...config, redisUrl: config.redisUrl },
    logger,
    // Bull Board reads BULL_BOARD_PORT (start-agents.sh picks a free one when 3000 is taken).
    ...(config.agentId ? { masterId: config.agentId } : {}),
  });
  // Runs in flight are resumed from Redis by the next master.
  entry.stopOnSignals(() => service.close());
} catch (error) {
  entry.failWith(error);
}
