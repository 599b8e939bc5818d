import { existsSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, normalize } from 'node:path';
import type { CommandRunner, CommandSpec } from '../command-runner.js';
import type { ResourceLimits } from '../command-runner-options.js';
import { isInside } from '../resolve-inside.js';
import { BASE_BWRAP_ARGS, ROOT_BWRAP_ARGS } from './bubblewrap-probe.js';
import { startInProcessGroup, startPausedInProcessGroup } from './direct-runner.js';

/** HOME inside the sandbox: on the private /tmp, so pip and npm caches and configs stay there. */
export const SANDBOX_HOME = '/tmp/home';

/**
 * Entries of the host's home hidden from commands (an empty tmpfs or /dev/null over them):
 * credentials a hostile install script could otherwise read and send out while the network
 * is on. The rest of the filesystem stays readable.
 */
export const HIDDEN_HOME_ENTRIES = [
  '.ssh',
  '.gnupg',
  '.aws',
  '.azure',
  '.kube',
  '.docker',
  '.config/gcloud',
  '.config/gh',
  '.netrc',
  '.npmrc',
  '.pypirc',
  '.git-credentials',
] as const;

/** Settings of the bubblewrap runner; `createCommandRunner` fills them from the probe. */
export interface BubblewrapRunnerOptions {
  /** Absolute path of `bwrap`. */
  bwrap: string;
  /** Absolute path of `prlimit`. */
  prlimit: string;
  /**
   * Absolute path of coreutils `timeout`: inside the sandbox it kills the command
   * BACKSTOP_GRACE_MS after its own timeout. Only matters when the worker died in the
   * millisecond between forking bwrap and bwrap arming --die-with-parent (bwrap does not
   * re-check its parent), which would otherwise leave that sandbox running. Default: none.
   */
  timeout?: string;
  /** Drops every capability inside; needed when the worker runs as root. */
  dropCapabilities: boolean;
  limits: ResourceLimits;
  /** Homes whose credentials are hidden. Default: `$HOME` of the command's env and the worker's. */
  hostHomes?: readonly string[];
}

const MIB = 1024 * 1024;

/**
 * Variables a command without network has no use for, and that cost it start-up time: Node reads
 * and parses every certificate in NODE_EXTRA_CA_CERTS before running any code (Debian's 220 KB
 * bundle adds 80 ms to each `node` start here), only to trust hosts it cannot reach.
 */
export const OFFLINE_UNSET_ENV = ['NODE_EXTRA_CA_CERTS'] as const;

/** How long after the command's timeout the in-sandbox backstop kills it. */
export const BACKSTOP_GRACE_MS = 10_000;

/** Absolute paths under /tmp the command's environment names (PIP_FIND_LINKS, CA bundles…) or it reads (readOnlyFiles). */
function pathsUnderTmp(spec: CommandSpec): string[] {
  const found = new Set<string>();
  for (const path of spec.readOnlyFiles ?? []) {
    if (isInside('/tmp', path) && !isInside(spec.workspace, path)) found.add(path);
  }
  for (const [name, value] of Object.entries(spec.env)) {
    if (name === 'TMPDIR' || name === 'HOME') continue;
    for (const token of value.split(/[\s:]+/)) {
      const path = normalize(token.replace(/^file:\/\//, ''));
      if (!path.startsWith('/tmp/') || !isInside('/tmp', path)) continue;
      if (isInside(spec.workspace, path) || isInside(path, spec.workspace)) continue;
      if (existsSync(path)) found.add(path);
    }
  }
  return [...found].sort();
}

/** bwrap options hiding the credentials in each home (those that exist and are not on /tmp). */
function hideCredentials(homes: readonly string[], workspace: string): string[] {
  const args: string[] = [];
  for (const home of new Set(homes)) {
    if (home === '' || home === '/' || isInside('/tmp', home)) continue;
    for (const entry of HIDDEN_HOME_ENTRIES) {
      const path = join(home, entry);
      if (isInside(path, workspace)) continue;
      const stats = statSync(path, { throwIfNoEntry: false });
      if (stats?.isDirectory()) args.push('--tmpfs', path);
      else if (stats) args.push('--ro-bind', '/dev/null', path);
    }
  }
  return args;
}

/** The bwrap command line that runs `spec` confined; exported for tests and the docs. */
export function bubblewrapCommand(
  spec: CommandSpec,
  options: BubblewrapRunnerOptions,
): { file: string; args: string[] } {
  const { limits } = options;
  const homes = options.hostHomes ?? [spec.env.HOME ?? '', homedir()];
  const args = [
    ...BASE_BWRAP_ARGS.slice(0, BASE_BWRAP_ARGS.indexOf('--tmpfs')),
    '--size',
    String(limits.memoryMb * MIB),
    ...BASE_BWRAP_ARGS.slice(BASE_BWRAP_ARGS.indexOf('--tmpfs')),
    '--dir',
    SANDBOX_HOME,
    ...pathsUnderTmp(spec).flatMap((path) => ['--ro-bind', path, path]),
    ...hideCredentials(homes, spec.workspace),
    // Last, so it is the one writable place even when it lies under /tmp or a home.
    '--bind',
    spec.workspace,
    spec.workspace,
    '--chdir',
    spec.cwd,
    ...(spec.network
      ? []
      : [
          '--unshare-net',
          ...OFFLINE_UNSET_ENV.filter((name) => name in spec.env).flatMap((name) => [
            '--unsetenv',
            name,
          ]),
        ]),
    ...(options.dropCapabilities ? ROOT_BWRAP_ARGS : []),
    '--setenv',
    'HOME',
    SANDBOX_HOME,
    '--setenv',
    'TMPDIR',
    '/tmp',
    // npm run sets npm_config_cache to the host's cache, which is read-only in here.
    ...Object.keys(spec.env)
      .filter((name) => name.toLowerCase() === 'npm_config_cache')
      .flatMap((name) => ['--unsetenv', name]),
    '--setenv',
    'npm_config_cache',
    join(SANDBOX_HOME, '.npm'),
    '--',
    options.prlimit,
    `--cpu=${limits.cpuSeconds}`,
    `--data=${limits.memoryMb * MIB}`,
    `--nproc=${limits.maxProcesses}`,
    `--fsize=${limits.maxFileMb * MIB}`,
    '--',
    ...(options.timeout
      ? [
          options.timeout,
          '--signal=KILL',
          `${Math.ceil((spec.timeoutMs + BACKSTOP_GRACE_MS) / 1000)}s`,
        ]
      : []),
    spec.file,
    ...spec.args,
  ];
  return { file: options.bwrap, args };
}

/**
 * The `bubblewrap` adapter: the whole filesystem read-only, the workspace the only writable
 * bind, a private /tmp and HOME, host credentials hidden, no network unless the spec asks,
 * its own pid namespace (the command's processes die with it and with the worker), and the
 * resource limits of `options.limits`.
 */
export function createBubblewrapRunner(options: BubblewrapRunnerOptions): CommandRunner {
  const wrap = (spec: CommandSpec) => bubblewrapCommand(spec, options);
  return {
    kind: 'bubblewrap',
    start: (spec) => startInProcessGroup(spec, wrap),
    run: (spec) => startInProcessGroup(spec, wrap).done,
    // The in-sandbox backstop counts from the spare's start, so it allows for the wait too.
    startPaused: (spec, maxWaitMs) =>
      startPausedInProcessGroup(spec, maxWaitMs, (paused) =>
        wrap({ ...paused, timeoutMs: paused.timeoutMs + maxWaitMs }),
      ),
  };
}
