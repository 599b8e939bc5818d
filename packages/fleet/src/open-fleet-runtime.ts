import { join } from 'node:path';
import { FLEET_SETTINGS } from './fleet-settings.js';
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
 * A bad setting (see FLEET_SETTINGS) is a ConfigError naming its variable.
 */
export function openFleetRuntime(options: OpenFleetRuntimeOptions): FleetRuntime {
  const caller = options.environment ?? process.env;
  const settings = FLEET_SETTINGS.resolve({}, caller);
  const stateDir = settings.stateDir ?? join(options.root, '.state');
  const recorded = new FleetState(stateDir).readEnv() ?? {};
  const environment = { ...caller, ...recorded };
  const kind =
    settings.runtime ??
    FLEET_SETTINGS.resolve({}, environment).runtime ??
    (dockerEngineAnswers() ? 'docker' : 'local');
  const context: FleetContext = {
    root: options.root,
    stateDir,
    environment,
    say: options.say ?? ((line) => process.stdout.write(`${line}\n`)),
  };
  return kind === 'docker' ? new DockerComposeRuntime(context) : new Pm2Runtime(context);
}
