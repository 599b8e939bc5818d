// @codegod/fleet: the process wiring of codegod: the master and agent-worker services, the
// embedded fleet, the Redis and in-process backends, and the `codegod fleet` runtimes.

export * from './errors/fleet-unreachable-error.js';
export { fleetApps, KILL_TIMEOUT_MS, type Pm2App, SERVICE_PROCESS_ENV } from './fleet-apps.js';
export {
  AGENT_ID_PATTERN,
  AGENT_SERVICES,
  DOCKER_ONLY_SERVICES,
  FLEET_SERVICES,
  isServiceOrReplica,
} from './fleet-services.js';
export { carriedSettings, FLEET_SETTINGS } from './fleet-settings.js';
export { FleetState, quoteShell, unquoteShell } from './fleet-state.js';
export * from './master/master-ports.js';
export * from './master/master-survey.js';
export { type OpenFleetRuntimeOptions, openFleetRuntime } from './open-fleet-runtime.js';
export type { FleetContext, FleetRuntime, LogsRequest } from './runtimes/fleet-runtime.js';
export * from './services/agent-worker-service.js';
export * from './services/check-redis.js';
export * from './services/default-toolkits.js';
export * from './services/embedded-fleet.js';
export * from './services/failed-run-report.js';
export * from './services/master-service.js';
export * from './services/role-worker.js';
export * from './services/service-process.js';
export * from './stores/backends.js';
export * from './stores/redis-token-meter.js';
export * from './stores/report-store.js';
export * from './stores/run-workspaces.js';
export * from './stores/submission-queue.js';
