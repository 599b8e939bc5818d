import { defineSettings } from '@codegod/config';
import { SANDBOX_KINDS } from '@codegod/protocol';
import { z } from 'zod';
import type { BubblewrapProbe } from './runners/bubblewrap-probe.js';

/** What `CODEGOD_SANDBOX` / `--sandbox` may say: a runner, or `auto` (bubblewrap when it works). */
export const SANDBOX_SETTINGS = ['auto', ...SANDBOX_KINDS] as const;
/** What `CODEGOD_SANDBOX` / `--sandbox` may say. */
export type SandboxSetting = (typeof SANDBOX_SETTINGS)[number];

/**
 * Limits of every process a command starts under bubblewrap, applied with prlimit. They are
 * per process (RLIMIT_*), except `maxProcesses`, which counts every process of the user and
 * is not enforced for root.
 */
export interface ResourceLimits {
  /** CPU seconds per process (RLIMIT_CPU). Default: `CODEGOD_SANDBOX_CPU_SECONDS`, else 600. */
  cpuSeconds: number;
  /**
   * Private writable memory per process in MiB (RLIMIT_DATA: heap and anonymous mappings, not
   * the address space, so Node's WebAssembly reservations still work). Also the size of the
   * private /tmp. Default: `CODEGOD_SANDBOX_MEMORY_MB`, else 4096.
   */
  memoryMb: number;
  /** Processes and threads of the user (RLIMIT_NPROC). Default: `CODEGOD_SANDBOX_MAX_PROCESSES`, else 1024. */
  maxProcesses: number;
  /** Largest file a command may write, in MiB (RLIMIT_FSIZE). Default: `CODEGOD_SANDBOX_MAX_FILE_MB`, else 1024. */
  maxFileMb: number;
}

/** Settings of `createCommandRunner`. */
export interface CommandRunnerOptions {
  /**
   * Which runner confines commands: `auto` (bubblewrap when `bwrap` works here, otherwise
   * every command is refused), `bubblewrap`, `container` (only inside a container) or `none`.
   * Default: `CODEGOD_SANDBOX` from `env`, else `auto`. `codegod build --sandbox` sets it.
   */
  sandbox?: string;
  /** Where `CODEGOD_SANDBOX` and the limits are read. Default: `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Resource limits under bubblewrap; each defaults as documented on `ResourceLimits`. */
  limits?: Partial<ResourceLimits>;
  /** Finds and tries `bwrap` (tests inject one). Default: the cached real probe. */
  probeBubblewrap?: () => BubblewrapProbe;
  /** Evidence that this process runs in a container, or undefined (tests inject one). */
  detectContainer?: () => string | undefined;
}

/** Runner settings with defaults applied and values checked. */
export interface ResolvedCommandRunnerOptions {
  sandbox: SandboxSetting;
  limits: ResourceLimits;
}

const limitSetting = (fallback: number) =>
  z.coerce
    .number()
    .int()
    .min(1)
    .max(1024 * 1024)
    .default(fallback);

/** Which runner confines commands; `--sandbox` and `CODEGOD_SANDBOX` name it. */
const RUNNER_SETTINGS = defineSettings({
  sandbox: {
    env: 'CODEGOD_SANDBOX',
    flag: '--sandbox',
    schema: z.preprocess(
      (value) => (typeof value === 'string' ? value.trim().toLowerCase() : value),
      z
        .enum(SANDBOX_SETTINGS, { error: `expected one of ${SANDBOX_SETTINGS.join(', ')}` })
        .default('auto'),
    ),
  },
});

/** The resource limits under bubblewrap, each with its variable and default. */
const LIMIT_SETTINGS = defineSettings({
  cpuSeconds: { env: 'CODEGOD_SANDBOX_CPU_SECONDS', schema: limitSetting(600) },
  memoryMb: { env: 'CODEGOD_SANDBOX_MEMORY_MB', schema: limitSetting(4096) },
  maxProcesses: { env: 'CODEGOD_SANDBOX_MAX_PROCESSES', schema: limitSetting(1024) },
  maxFileMb: { env: 'CODEGOD_SANDBOX_MAX_FILE_MB', schema: limitSetting(1024) },
});

/** Applies defaults once and rejects bad values, naming the option, the flag and the variable. */
export function resolveCommandRunnerOptions(
  options: CommandRunnerOptions = {},
): ResolvedCommandRunnerOptions {
  const env = options.env ?? process.env;
  return {
    sandbox: RUNNER_SETTINGS.resolve(options, env).sandbox,
    limits: LIMIT_SETTINGS.resolve(options.limits ?? {}, env),
  };
}
