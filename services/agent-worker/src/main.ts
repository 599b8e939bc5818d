#!/usr/bin/env node
// The agent-worker process: AGENT_ROLE picks the role; the logic is in @codegod/orchestrator.
import { createLogger, loadConfig } from '@codegod/config';
import { connectRedis, startAgentWorkerService } from '@codegod/orchestrator';
import { CodegodError, isWorkerRole } from '@codegod/protocol';

const logger = createLogger({ name: 'agent-worker', level: process.env.LOG_LEVEL || 'info' });

function fail(message: string): never {
  logger.fatal(message);
  process.stderr.write(`agent-worker: ${message}\n`);
  process.exit(1);
}

try {
  const config = loadConfig();
  if (!config.redisUrl) fail('REDIS_URL is required: workers take their tasks from Redis.');
  const role = config.agentRole;
  if (!isWorkerRole(role)) {
    fail(
      `AGENT_ROLE must be one of backend, frontend, devops, testing (got ${JSON.stringify(role ?? '')}).`,
    );
  }
  const probe = await connectRedis(config.redisUrl);
  probe.disconnect();
  const service = await startAgentWorkerService({
    config: { ...config, redisUrl: config.redisUrl },
    role,
    logger: logger.child({ role }),
    ...(process.env.AGENT_ID ? { agentId: process.env.AGENT_ID } : {}),
    ...(process.env.WORKSPACE_ROOT ? { workspaceRoot: process.env.WORKSPACE_ROOT } : {}),
  });
  let stopping = false;
  const stop = (signal: string) => {
    // First signal: finish the current task. Second: hand it back to the queue now.
    const force = stopping;
    stopping = true;
    logger.info(
      { signal, force, agentId: service.agentId },
      force ? 'handing the task back' : 'finishing the current task',
    );
    service.close({ force }).then(
      () => process.exit(0),
      (error: unknown) => fail(`shutdown failed: ${String(error)}`),
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
} catch (error) {
  fail(CodegodError.is(error) ? error.message : String(error));
}
