// The local runtime's process list: what start-agents.sh asks pm2 to run when no Docker engine
// answers. Pure (no I/O but readReplicas), so tests/fleet checks it without starting anything.
'use strict';

const { readFileSync } = require('node:fs');
const { join, resolve } = require('node:path');

/** The agent services, their roles, in the compose file's order. */
const AGENT_SERVICES = {
  'backend-agent': 'backend',
  'frontend-agent': 'frontend',
  'devops-agent': 'devops',
  'testing-agent': 'testing',
};

/** Settings every service reads, passed through from start-agents.sh's environment when set. */
const SHARED_ENV = [
  'VLLM_API_URL',
  'LLM_MODEL',
  'LLM_API_KEY',
  'REDIS_URL',
  'LOG_LEVEL',
  'WORKSPACE_ROOT',
];

/** Milliseconds pm2 waits after SIGTERM before SIGKILL (compose: stop_grace_period 30s). */
const KILL_TIMEOUT_MS = 30_000;

/**
 * Reads `<stateDir>/replicas` (`service=N` lines, written by `start-agents.sh scale`).
 * Missing file or services default to one replica each.
 */
function readReplicas(stateDir) {
  const replicas = Object.fromEntries(Object.keys(AGENT_SERVICES).map((service) => [service, 1]));
  let text = '';
  try {
    text = readFileSync(join(stateDir, 'replicas'), 'utf8');
  } catch {
    return replicas;
  }
  for (const line of text.split('\n')) {
    const match = /^([a-z-]+)=(\d+)$/.exec(line.trim());
    if (match && match[1] in AGENT_SERVICES) replicas[match[1]] = Number(match[2]);
  }
  return replicas;
}

/**
 * The pm2 apps of the fleet: `master-orchestrator`, and `<service>-1..N` per agent service,
 * each in the pm2 namespace `<service>` and with its own AGENT_ID (the app name).
 * `env` is start-agents.sh's environment: CODEGOD_ROOT and CODEGOD_STATE_DIR are required;
 * CODEGOD_MASTER_ENTRY and CODEGOD_WORKER_ENTRY override the built service entries.
 */
function fleetApps(env, replicas) {
  const root = env.CODEGOD_ROOT;
  const stateDir = env.CODEGOD_STATE_DIR;
  if (!root || !stateDir) throw new Error('fleet-apps: set CODEGOD_ROOT and CODEGOD_STATE_DIR');
  const shared = {};
  for (const name of SHARED_ENV) if (env[name]) shared[name] = env[name];
  const masterEntry = resolve(
    root,
    env.CODEGOD_MASTER_ENTRY || 'services/master-orchestrator/dist/main.js',
  );
  const workerEntry = resolve(
    root,
    env.CODEGOD_WORKER_ENTRY || 'services/agent-worker/dist/main.js',
  );

  const app = (name, namespace, script, appEnv) => ({
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
    env: { ...shared, ...appEnv },
  });

  const apps = [
    app('master-orchestrator', 'master-orchestrator', masterEntry, {
      AGENT_ROLE: 'master',
      AGENT_ID: 'master-orchestrator-1',
      BULL_BOARD_PORT: env.BULL_BOARD_PORT || '3000',
    }),
  ];
  for (const [service, role] of Object.entries(AGENT_SERVICES)) {
    const count = replicas[service] ?? 1;
    for (let index = 1; index <= count; index += 1) {
      const name = `${service}-${index}`;
      apps.push(app(name, service, workerEntry, { AGENT_ROLE: role, AGENT_ID: name }));
    }
  }
  return apps;
}

module.exports = { AGENT_SERVICES, KILL_TIMEOUT_MS, fleetApps, readReplicas };
