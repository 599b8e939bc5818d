import { join, resolve } from 'node:path';
import { WORKER_ROLES } from '@codegod/protocol';
import { FLEET_SETTINGS } from './fleet-settings.js';

/** Milliseconds pm2 waits after SIGTERM before SIGKILL (compose: stop_grace_period 30s). */
export const KILL_TIMEOUT_MS = 30_000;

/** One pm2 app of the local runtime (the fields of a pm2 ecosystem file that codegod sets). */
export interface Pm2App {
  name: string;
  namespace: string;
  script: string;
  cwd: string;
  exec_mode: 'fork';
  autorestart: boolean;
  min_uptime: number;
  max_restarts: number;
  exp_backoff_restart_delay: number;
  kill_timeout: number;
  treekill: boolean;
  out_file: string;
  error_file: string;
  merge_logs: boolean;
  env: Record<string, string>;
}

/** Where the fleet's code and state are, and what its services get in their environment. */
export interface FleetAppsOptions {
  /** The repository root (the services run from it). */
  root: string;
  /** The state dir: logs go to `<stateDir>/logs`. */
  stateDir: string;
  /** The settings recorded at `up` (see carriedSettings); every service gets them. */
  settings: Record<string, string>;
  /** Replicas per agent service; missing ones run one replica. */
  replicas: Record<string, number>;
}

/**
 * The environment every service process starts with (as docker/Dockerfile's ENV): two malloc
 * arenas. With glibc's default (8 per core), the services' threads each keep freed memory in
 * an arena of their own, and a long-lived process's RSS wanders by tens of MB over a flat heap
 * (scripts/bench/peers.ts, the RSS row; docs/benchmarks.md).
 */
export const SERVICE_PROCESS_ENV: Readonly<Record<string, string>> = { MALLOC_ARENA_MAX: '2' };

/**
 * The pm2 apps of the fleet: `master-orchestrator`, and `<service>-1..N` per agent service,
 * each in the pm2 namespace `<service>` with its own AGENT_ID (the app name).
 * CODEGOD_MASTER_ENTRY and CODEGOD_WORKER_ENTRY (settings) override the built service entries.
 */
export function fleetApps(options: FleetAppsOptions): Pm2App[] {
  const { root, stateDir, settings, replicas } = options;
  const entries = FLEET_SETTINGS.resolve({}, settings);
  const masterEntry = resolve(root, entries.masterEntry);
  const workerEntry = resolve(root, entries.workerEntry);
  const baseApp = (name: string, namespace: string, script: string): Omit<Pm2App, 'env'> => ({
    name,
    namespace,
    script,
    cwd: root,
    exec_mode: 'fork',
    autorestart: true,
    min_uptime: 5000,
    max_restarts: 10,
    exp_backoff_restart_delay: 200,
    kill_timeout: KILL_TIMEOUT_MS,
    treekill: true,
    // pino writes JSON lines: keep them as they are (no pm2 timestamp prefix).
    out_file: join(stateDir, 'logs', `${name}.out.log`),
    error_file: join(stateDir, 'logs', `${name}.err.log`),
    merge_logs: true,
  });

  // Redis Commander's login and the Redis password stay out of the services' environment.
  const serviceSettings = Object.fromEntries(
    Object.entries(settings).filter(([name]) => !name.startsWith('REDIS_COMMANDER_')),
  );
  const app = (
    name: string,
    namespace: string,
    script: string,
    appEnv: Record<string, string>,
  ): Pm2App => ({
    ...baseApp(name, namespace, script),
    env: { ...SERVICE_PROCESS_ENV, ...serviceSettings, ...appEnv },
  });
  const apps = [
    app('master-orchestrator', 'master-orchestrator', masterEntry, {
      AGENT_ROLE: 'master',
      AGENT_ID: 'master-orchestrator-1',
      BULL_BOARD_PORT: settings.BULL_BOARD_PORT || '3000',
    }),
  ];
  for (const role of WORKER_ROLES) {
    const service = `${role}-agent`;
    const count = replicas[service] ?? 1;
    for (let index = 1; index <= count; index += 1) {
      const name = `${service}-${index}`;
      apps.push(app(name, service, workerEntry, { AGENT_ROLE: role, AGENT_ID: name }));
    }
  }
  const commander = redisCommanderEnvironment(settings);
  if (commander) {
    const script = resolve(root, 'node_modules/redis-commander/bin/redis-commander.js');
    apps.push({ ...baseApp('redis-commander', 'redis-commander', script), env: commander });
  }
  return apps;
}

/**
 * Redis Commander's environment, as the `config` package it reads takes it (NODE_CONFIG): the
 * fleet's Redis as its one connection, 127.0.0.1 only, behind HTTP basic auth, nothing saved.
 * Undefined when `up` did not set it up (no REDIS_COMMANDER_PORT) or REDIS_URL is unusable.
 */
function redisCommanderEnvironment(
  settings: Record<string, string>,
): Record<string, string> | undefined {
  const port = settings.REDIS_COMMANDER_PORT;
  if (!port || port === '0' || !settings.REDIS_URL) return undefined;
  let url: URL;
  try {
    url = new URL(settings.REDIS_URL);
  } catch {
    return undefined;
  }
  const config = {
    noSave: true,
    connections: [
      {
        label: 'codegod',
        host: url.hostname,
        port: Number(url.port || 6379),
        password: decodeURIComponent(url.password),
        dbIndex: Number(url.pathname.slice(1) || 0),
      },
    ],
    server: {
      address: '127.0.0.1',
      port: Number(port),
      httpAuth: {
        username: settings.REDIS_COMMANDER_USER || 'admin',
        password: settings.REDIS_COMMANDER_PASSWORD ?? '',
      },
    },
  };
  return { NODE_CONFIG: JSON.stringify(config), NODE_ENV: 'default' };
}
