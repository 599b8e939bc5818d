import { join } from 'node:path';
import type { FleetRuntime } from '@codegod/fleet';
import {
  AGENT_ID_PATTERN,
  AGENT_SERVICES,
  FLEET_SERVICES,
  isServiceOrReplica,
} from '@codegod/fleet/fleet-services';
import { CodegodError } from '@codegod/protocol';
import { Command } from 'commander';
import { maxReplicas, SCALE_SETTINGS } from '../cli-settings.js';
import { setRunExitCode } from '../exit-code.js';

/** The repository root: the compose file, the built services and pm2 live under it. */
const ROOT = join(import.meta.dirname, '..', '..', '..', '..');

function usage(message: string): CodegodError {
  return new CodegodError('usage', message);
}

/**
 * Opens the runtime only after every argument was checked: bad input starts nothing. The fleet
 * package is imported here, not at the top, so help and usage errors do not load it.
 */
async function runtime(): Promise<FleetRuntime> {
  const { openFleetRuntime } = await import('@codegod/fleet');
  return openFleetRuntime({ root: ROOT });
}

function checkService(service: string): string {
  if (!isServiceOrReplica(service)) {
    throw usage(`unknown service '${service}' (one of: ${FLEET_SERVICES.join(' ')})`);
  }
  return service;
}

const RUNTIME_HELP = `
Runtime: docker-compose (docker-compose.agents.yml) when \`docker info\` answers, else local
processes under pm2 with a local redis-server (AOF on) unless REDIS_URL is set. \`up\` records
the runtime and every setting it was given (REDIS_URL, VLLM_API_URL, LLM_*, PIP_*, CODEGOD_*…)
in <state>/env, so later verbs from any shell act on the same fleet; CODEGOD_RUNTIME forces one.
Settings: see .env.example; CODEGOD_STATE_DIR (default .state), CODEGOD_REDIS_PORT (local redis,
default 6380). After \`up\`, \`set -a; . .state/env; set +a\` points codegod at the fleet.
./start-agents.sh VERB is the same as codegod fleet VERB.`;

/** `codegod fleet up|down|logs|status|wipe|scale|restart`: operates the fleet's services. */
export function fleetCommand(): Command {
  const fleet = new Command('fleet')
    .description('operate the fleet: up, down, logs, status, wipe, scale, restart')
    .addHelpText('after', RUNTIME_HELP);

  fleet
    .command('up')
    .description(
      'start the fleet (builds dist/ first if it is missing); running it again starts only what is missing',
    )
    .action(async () => (await runtime()).up());

  fleet
    .command('down')
    .description('stop everything the fleet started; data and logs stay in the state dir')
    .action(async () => (await runtime()).down());

  fleet
    .command('logs')
    .description(
      'print recent log lines of a service (every replica of an agent service, or one replica like backend-agent-2), or of every service',
    )
    .argument('[service]', `one of: ${FLEET_SERVICES.join(' ')}`)
    .option('-n, --lines <count>', 'how many lines', '100')
    .option('-f, --follow', 'keep printing new lines until Ctrl-C')
    .action(async (service: string | undefined, options: { lines: string; follow?: boolean }) => {
      if (!/^\d+$/.test(options.lines)) {
        throw usage(`logs --lines needs a number of lines (got '${options.lines}')`);
      }
      if (service) checkService(service);
      const code = await (await runtime()).logs({
        ...(service ? { service } : {}),
        lines: Number(options.lines),
        follow: options.follow === true,
      });
      if (code !== 0) setRunExitCode(1);
    });

  fleet
    .command('status')
    .description(
      "the fleet's processes, the agents' heartbeats, each role's queue depths and the task metrics",
    )
    .action(async () => {
      const chosen = await runtime();
      await chosen.printProcesses();
      const code = await chosen.runCodegod(['status']);
      if (code !== 0) setRunExitCode(1);
    });

  fleet
    .command('wipe')
    .description(
      "reset agents' working memory (current task, history, observations); role and knowledge stay",
    )
    .option('--agent <id>', 'wipe only this agent (default: every agent)')
    .action(async (options: { agent?: string }) => {
      if (options.agent !== undefined && !AGENT_ID_PATTERN.test(options.agent)) {
        throw usage(`invalid agent id '${options.agent}'`);
      }
      const args = options.agent === undefined ? ['wipe'] : ['wipe', '--agent', options.agent];
      const code = await (await runtime()).runCodegod(args);
      if (code !== 0) setRunExitCode(1);
    });

  fleet
    .command('scale')
    .description(
      `run N replicas of an agent service (0..${SCALE_SETTINGS.specs.maxReplicas.env}, default 16)`,
    )
    .argument('<service>', `one of: ${AGENT_SERVICES.join(' ')}`)
    .argument('<n>', 'how many replicas')
    .action(async (service: string, count: string) => {
      if (!AGENT_SERVICES.includes(service)) {
        throw usage(
          `cannot scale '${service}': only agent services scale (${AGENT_SERVICES.join(' ')})`,
        );
      }
      const limit = maxReplicas();
      if (!/^\d{1,4}$/.test(count) || Number(count) > limit) {
        throw usage(`scale: N must be a whole number from 0 to ${limit} (got '${count}')`);
      }
      await (await runtime()).scale(service, Number(count));
    });

  fleet
    .command('restart')
    .description('restart one service (every replica), or every service of the fleet')
    .argument('[service]', `one of: ${FLEET_SERVICES.join(' ')}`)
    .action(async (service: string | undefined) => {
      const checked = service === undefined ? undefined : checkService(service);
      await (await runtime()).restart(checked);
    });

  return fleet;
}
