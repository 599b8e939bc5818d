// @codegod/fleet: the process wiring of codegod: the `codegod fleet` runtimes (docker-compose
// and pm2) over one FleetRuntime port.
export { fleetApps, KILL_TIMEOUT_MS, type Pm2App } from './fleet-apps.js';
export {
  AGENT_ID_PATTERN,
  AGENT_SERVICES,
  DOCKER_ONLY_SERVICES,
  FLEET_SERVICES,
  isServiceOrReplica,
} from './fleet-services.js';
export { carriedSettings } from './fleet-settings.js';
export { FleetState, quoteShell, unquoteShell } from './fleet-state.js';
export { type OpenFleetRuntimeOptions, openFleetRuntime } from './open-fleet-runtime.js';
export type { FleetContext, FleetRuntime, LogsRequest } from './runtimes/fleet-runtime.js';
