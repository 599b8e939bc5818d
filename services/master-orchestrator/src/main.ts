#!/usr/bin/env node
// The master-orchestrator process: config, wiring and signals; the logic is in @codegod/orchestrator.
import { createLogger, loadConfig } from '@codegod/config';
import { connectRedis, startMasterService } from '@codegod/orchestrator';
import { CodegodError } from '@codegod/protocol';

const logger = createLogger({
  name: 'master-orchestrator',
  level: process.env.LOG_LEVEL || 'info',
});

function fail(message: string): never {
  logger.fatal(message);
  process.stderr.write(`master-orchestrator: ${message}\n`);
  process.exit(1);
}

try {
  const config = loadConfig();
  if (!config.redisUrl) fail('REDIS_URL is required: the master keeps run state in Redis.');
  const probe = await connectRedis(config.redisUrl);
  probe.disconnect();
  // start-agents.sh picks a free BULL_BOARD_PORT when 3000 is taken; the master must use it.
  const boardPort = process.env.BULL_BOARD_PORT?.trim();
  if (boardPort && !/^\d{1,5}$/.test(boardPort)) {
    fail(`BULL_BOARD_PORT must be a port number (got ${JSON.stringify(boardPort)}).`);
  }
  const service = await startMasterService({
    config: { ...config, redisUrl: config.redisUrl },
    logger,
    ...(boardPort ? { bullBoardPort: Number(boardPort) } : {}),
  });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    logger.info({ signal }, 'stopping; running runs are resumed by the next master');
    service.close().then(
      () => process.exit(0),
      (error: unknown) => fail(`shutdown failed: ${String(error)}`),
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
} catch (error) {
  fail(CodegodError.is(error) ? error.message : String(error));
}
