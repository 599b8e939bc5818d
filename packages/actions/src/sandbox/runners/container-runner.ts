import { existsSync, readFileSync } from 'node:fs';
import { SandboxUnavailableError } from '../../errors/sandbox-unavailable-error.js';
import type { CommandRunner } from '../command-runner.js';
import { startInProcessGroup, startPausedInProcessGroup } from './direct-runner.js';

/** Cgroup names container engines give their processes. */
const CONTAINER_CGROUP = /docker|kubepods|containerd|libpod|lxc/;

/** Where container evidence is read; tests give their own. */
export interface ContainerProbe {
  env: Readonly<Record<string, string | undefined>>;
  exists(path: string): boolean;
  /** The file's text, or undefined when it cannot be read. */
  readFile(path: string): string | undefined;
}

const hostProbe: ContainerProbe = {
  env: process.env,
  exists: existsSync,
  readFile(path) {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  },
};

/**
 * Evidence that this process runs in a container: Docker's /.dockerenv, Podman's
 * /run/.containerenv, the `container` variable (Podman, systemd-nspawn), or a container
 * engine's name in /proc/1/cgroup. Undefined when there is none.
 */
export function detectContainer(probe: ContainerProbe = hostProbe): string | undefined {
  if (probe.exists('/.dockerenv')) return '/.dockerenv exists';
  if (probe.exists('/run/.containerenv')) return '/run/.containerenv exists';
  if (probe.env.container) return `container=${probe.env.container}`;
  const match = CONTAINER_CGROUP.exec(probe.readFile('/proc/1/cgroup') ?? '');
  return match ? `/proc/1/cgroup names ${match[0]}` : undefined;
}

/** Settings of the container runner. */
export interface ContainerRunnerOptions {
  /** Finds evidence of a container. Default: `detectContainer`. */
  detectContainer?: () => string | undefined;
}

/**
 * The `container` adapter, for the fleet images: the container (read-only root, non-root user,
 * no capabilities, the workspace volume the only writable mount) is the boundary, and commands
 * run in process groups as under `none`. Throws SandboxUnavailableError outside a container,
 * so a worker never believes it is confined when it is not.
 */
export function createContainerRunner(options: ContainerRunnerOptions = {}): CommandRunner {
  const evidence = (options.detectContainer ?? (() => detectContainer()))();
  if (evidence === undefined) {
    throw new SandboxUnavailableError(
      'The container sandbox (--sandbox container, CODEGOD_SANDBOX=container) needs a container, ' +
        'and this process is not in one (no /.dockerenv, /run/.containerenv, container variable ' +
        'or container cgroup). Run the fleet images, or use --sandbox bubblewrap.',
    );
  }
  return {
    kind: 'container',
    start: (spec) => startInProcessGroup(spec),
    run: (spec) => startInProcessGroup(spec).done,
    startPaused: (spec, maxWaitMs) => startPausedInProcessGroup(spec, maxWaitMs),
  };
}
