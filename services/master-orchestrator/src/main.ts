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
  const service = await startMasterService({
    config: { ...config, redisUrl: config.redisUrl },
    logger,
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
