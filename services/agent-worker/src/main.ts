#!/usr/bin/env node
// The agent-worker process: AGENT_ROLE picks the role; the wiring is in @codegod/fleet.
import { isRegisteredRole, ROLE_DEFINITIONS, registeredRoles } from '@codegod/actions';
import { createLogger, loadConfig, logLevelBeforeConfig } from '@codegod/config';
import {
  connectRedis,
  type ServiceProcess,
  serviceProcess,
  startAgentWorkerService,
} from '@codegod/fleet';

// Made before loadConfig so that a bad setting, LOG_LEVEL too, is logged as one line.
const logger = createLogger({ name: 'agent-worker', level: logLevelBeforeConfig() });
// Explicitly typed, so TypeScript narrows after `entry.fail(...)`, which never returns.
const entry: ServiceProcess = serviceProcess('agent-worker', logger);

try {
  const config = loadConfig();
  if (!config.redisUrl) entry.fail('REDIS_URL is required: workers take their tasks from Redis.');
  const role = config.agentRole;
  if (!isRegisteredRole(ROLE_DEFINITIONS, role)) {
    entry.fail(
      `AGENT_ROLE must be one of ${registeredRoles(ROLE_DEFINITIONS).join(', ')} (got ${JSON.stringify(role ?? '')}).`,
    );
  }
  const probe = await connectRedis(config.redisUrl);
  probe.disconnect();
  const service = await startAgentWorkerService({
    config: { ...config, redisUrl: config.redisUrl },
    role,
    logger: logger.child({ role }),
    ...(config.agentId ? { agentId: config.agentId } : {}),
    ...(config.workspaceRoot ? { workspaceRoot: config.workspaceRoot } : {}),
  });
  // First signal: finish the current task. Second: hand it back to the queue now.
  entry.stopOnSignals((force) => service.close({ force }));
} catch (error) {
  entry.failWith(error);
}
