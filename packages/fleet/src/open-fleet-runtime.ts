import { join } from 'node:path';
import { CodegodError } from '@codegod/protocol';
import { FleetState } from './fleet-state.js';
import { DockerComposeRuntime, dockerEngineAnswers } from './runtimes/docker-compose-runtime.js';
import type { FleetContext, FleetRuntime } from './runtimes/fleet-runtime.js';
import { Pm2Runtime } from './runtimes/pm2-runtime.js';

/** Options of openFleetRuntime. */
export interface OpenFleetRuntimeOptions {
  /** The repository root. */
  root: string;
  /** The caller's environment (default: process.env). */
  environment?: Record<string, string | undefined>;
  /** Prints a line for the user (default: stdout). */
  say?: (line: string) => void;
}

/**
 * The runtime the fleet runs on: CODEGOD_RUNTIME (`docker` or `local`) when set, else the one
 * `up` recorded in the state dir, else docker when a Docker engine answers, else local (pm2).
 * What `up` recorded overrides the caller's environment, so every verb acts on the same fleet.
 */
export function openFleetRuntime(options: OpenFleetRuntimeOptions): FleetRuntime {
  const caller = options.environment ?? process.env;
  const stateDir = caller.CODEGOD_STATE_DIR || join(options.root, '.state');
  const forced = caller.CODEGOD_RUNTIME;
  if (forced && forced !== 'docker' && forced !== 'local') {
    throw new CodegodError('usage', `CODEGOD_RUNTIME must be docker or local (got '${forced}')`);
  }
  const recorded = new FleetState(stateDir).readEnv() ?? {};
  const environment = { ...caller, ...recorded };
  const kind = forced || recorded.CODEGOD_RUNTIME || (dockerEngineAnswers() ? 'docker' : 'local');
  const context: FleetContext = {
    root: options.root,
    stateDir,
    environment,
    say: options.say ?? ((line) => process.stdout.write(`${line}\n`)),
  };
  return kind === 'docker' ? new DockerComposeRuntime(context) : new Pm2Runtime(context);
}
