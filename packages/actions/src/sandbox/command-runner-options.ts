import { ConfigError, SANDBOX_KINDS } from '@codegod/protocol';
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

/** Environment variables behind the runner settings. */
export const COMMAND_RUNNER_ENV_VARS = {
  sandbox: 'CODEGOD_SANDBOX',
  cpuSeconds: 'CODEGOD_SANDBOX_CPU_SECONDS',
  memoryMb: 'CODEGOD_SANDBOX_MEMORY_MB',
  maxProcesses: 'CODEGOD_SANDBOX_MAX_PROCESSES',
  maxFileMb: 'CODEGOD_SANDBOX_MAX_FILE_MB',
} as const;

const DEFAULT_LIMITS: ResourceLimits = {
  cpuSeconds: 600,
  memoryMb: 4096,
  maxProcesses: 1024,
  maxFileMb: 1024,
};

const limitSchema = z.coerce
  .number()
  .int()
  .min(1)
  .max(1024 * 1024);

function readLimit(
  option: keyof ResourceLimits,
  given: number | undefined,
  env: Readonly<Record<string, string | undefined>>,
): number {
  const fromEnv = env[COMMAND_RUNNER_ENV_VARS[option]];
  const raw = given ?? (fromEnv === undefined || fromEnv === '' ? undefined : fromEnv);
  if (raw === undefined) return DEFAULT_LIMITS[option];
  const parsed = limitSchema.safeParse(raw);
  if (!parsed.success) {
    const problem = parsed.error.issues.map((issue) => issue.message).join('; ');
    throw new ConfigError(
      option,
      COMMAND_RUNNER_ENV_VARS[option],
      `${problem} (got ${JSON.stringify(raw)})`,
    );
  }
  return parsed.data;
}

/** Applies defaults once and rejects bad values, naming the option, the flag and the variable. */
export function resolveCommandRunnerOptions(
  options: CommandRunnerOptions = {},
): ResolvedCommandRunnerOptions {
  const env = options.env ?? process.env;
  const fromEnv = env[COMMAND_RUNNER_ENV_VARS.sandbox];
  const raw = options.sandbox ?? (fromEnv === undefined || fromEnv === '' ? 'auto' : fromEnv);
  const sandbox = z.enum(SANDBOX_SETTINGS).safeParse(raw.trim().toLowerCase());
  if (!sandbox.success) {
    throw new ConfigError(
      'sandbox',
      COMMAND_RUNNER_ENV_VARS.sandbox,
      `expected one of ${SANDBOX_SETTINGS.join(', ')} (got ${JSON.stringify(raw)}); ` +
        'codegod build takes it as --sandbox <kind>',
    );
  }
  const limits = options.limits ?? {};
  return {
    sandbox: sandbox.data,
    limits: {
      cpuSeconds: readLimit('cpuSeconds', limits.cpuSeconds, env),
      memoryMb: readLimit('memoryMb', limits.memoryMb, env),
      maxProcesses: readLimit('maxProcesses', limits.maxProcesses, env),
      maxFileMb: readLimit('maxFileMb', limits.maxFileMb, env),
    },
  };
}
