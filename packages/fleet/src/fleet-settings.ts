import { defineSettings } from '@codegod/config';
import { z } from 'zod';

/** Where the fleet lives and how `codegod fleet` runs it. */
export const FLEET_SETTINGS = defineSettings({
  /** Forces the runtime: `docker` or `local` (pm2). Default: the one `up` recorded, else probed. */
  runtime: { env: 'CODEGOD_RUNTIME', schema: z.enum(['docker', 'local']).optional() },
  /** The state dir (recorded settings, logs, pm2, the local Redis). Default: `<root>/.state`. */
  stateDir: { env: 'CODEGOD_STATE_DIR', schema: z.string().min(1).optional() },
  /** The port of the local redis-server `up` starts. Default: 6380, else a free one. */
  redisPort: {
    env: 'CODEGOD_REDIS_PORT',
    schema: z.coerce.number().int().min(1).max(65_535).optional(),
  },
  /** The pm2 executable of the local runtime. Default: `<root>/node_modules/.bin/pm2`. */
  pm2: { env: 'CODEGOD_PM2', schema: z.string().min(1).optional() },
  /** The master's entry under the root, for stand-ins in tests. Default: the built service. */
  masterEntry: {
    env: 'CODEGOD_MASTER_ENTRY',
    schema: z.string().min(1).default('services/master-orchestrator/dist/main.js'),
  },
  /** The agent workers' entry under the root. Default: the built service. */
  workerEntry: {
    env: 'CODEGOD_WORKER_ENTRY',
    schema: z.string().min(1).default('services/agent-worker/dist/main.js'),
  },
});

/**
 * The settings `up` records and every later verb passes on to the services it starts, so that
 * `scale` or `restart` from another shell starts replicas configured like the rest of the fleet
 * (the LLM server and model, the sandbox, pip's and npm's package sources, log level…).
 */
const CARRIED_SETTING =
  /^(REDIS_URL|VLLM_API_URL|LOG_LEVEL|WORKSPACE_ROOT|LLM_\w+|BULL_BOARD_\w+|REDIS_COMMANDER_\w+|DASHBOARD_\w+|CODEGOD_\w+|PIP_\w+|PYTHON\w*|npm_config_\w+|HF_\w+|HTTPS?_PROXY|NO_PROXY|https?_proxy|no_proxy)$/;

/** Settings that describe where the fleet lives, not how its services behave. */
const NOT_CARRIED = new Set(['CODEGOD_STATE_DIR', 'CODEGOD_PM2', 'CODEGOD_FLEET_COMMAND']);

/** The part of `environment` that the fleet records at `up` and hands to its services. */
export function carriedSettings(
  environment: Record<string, string | undefined>,
): Record<string, string> {
  const carried: Record<string, string> = {};
  for (const [name, value] of Object.entries(environment)) {
    if (value !== undefined && value !== '' && CARRIED_SETTING.test(name) && !NOT_CARRIED.has(name))
      carried[name] = value;
  }
  return carried;
}
