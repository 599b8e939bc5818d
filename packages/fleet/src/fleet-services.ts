import { WORKER_ROLES } from '@codegod/protocol';

/** The agent services of the fleet, one per worker role, in the role registry's order. */
export const AGENT_SERVICES: readonly string[] = WORKER_ROLES.map((role) => `${role}-agent`);

/** Every service of `docker-compose.agents.yml`. */
export const FLEET_SERVICES: readonly string[] = [
  'redis',
  'redis-commander',
  'vllm-server',
  'master-orchestrator',
  ...AGENT_SERVICES,
];

/** Services that only the Docker runtime runs (the local runtime points VLLM_API_URL elsewhere). */
export const DOCKER_ONLY_SERVICES: readonly string[] = ['vllm-server'];

/** A service name, or one local replica of an agent service such as `backend-agent-2`. */
export function isServiceOrReplica(name: string): boolean {
  if (FLEET_SERVICES.includes(name)) return true;
  const match = /^(.+)-(\d+)$/.exec(name);
  return match !== null && AGENT_SERVICES.includes(match[1] ?? '');
}

/** Agent ids accepted by `wipe --agent`: what the services use as AGENT_ID. */
export const AGENT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;
