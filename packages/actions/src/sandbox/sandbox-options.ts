import { realpathSync, statSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { defineSettings } from '@codegod/config';
import { ConfigError } from '@codegod/protocol';
import { z } from 'zod';
import type { CommandRunner } from './command-runner.js';
import type { ResourceLimits } from './command-runner-options.js';
import { createCommandRunner } from './create-command-runner.js';

/** Settings for `createSandbox`. */
export interface SandboxOptions {
  /** Absolute path of the task's workspace; it must exist. Required. */
  workspace: string;
  /**
   * Executables commands may use: bare names looked up on PATH (`python3`, `npm`) or
   * workspace-relative paths (`venv/bin/pip`). Required; an empty list allows nothing.
   */
  allowlist: readonly string[];
  /**
   * Milliseconds a command may run before its whole process group is killed.
   * Default: `CODEGOD_COMMAND_TIMEOUT_MS` from `env`, else 120000.
   */
  timeoutMs?: number;
  /**
   * Bytes kept of each of stdout and stderr; a command that prints more is stopped.
   * Default: `CODEGOD_MAX_OUTPUT_BYTES` from `env`, else 262144 (256 KiB).
   */
  maxOutputBytes?: number;
  /** The environment commands inherit from (filtered) and secrets are taken from. Default: `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Names of extra variables to pass through to commands. Default: none. */
  passEnv?: readonly string[];
  /**
   * What runs (and confines) each command. Default: the runner `sandbox` names, made with
   * `createCommandRunner` (bubblewrap when `bwrap` works here).
   */
  runner?: CommandRunner;
  /**
   * Which runner confines commands when `runner` is not given: `auto`, `bubblewrap`,
   * `container` or `none`. Default: `CODEGOD_SANDBOX` from `env`, else `auto`.
   */
  sandbox?: string;
  /** Resource limits of commands under bubblewrap. Default: as documented on `ResourceLimits`. */
  limits?: Partial<ResourceLimits>;
  /**
   * Screens arguments (metacharacters, paths, pip and npm options, requirements files) before
   * a command runs: defence in depth over the runner. Default: true. Only the isolation suite
   * turns it off, to show what each runner holds on its own.
   */
  screening?: boolean;
}

/** Sandbox settings with defaults applied and values checked. */
export interface ResolvedSandboxOptions {
  workspace: string;
  allowlist: readonly string[];
  timeoutMs: number;
  maxOutputBytes: number;
  env: Readonly<Record<string, string | undefined>>;
  passEnv: readonly string[];
  runner: CommandRunner;
  screening: boolean;
}

/** The numeric settings, each with its variable and default. */
const COMMAND_SETTINGS = defineSettings({
  timeoutMs: {
    env: 'CODEGOD_COMMAND_TIMEOUT_MS',
    schema: z.coerce
      .number()
      .int()
      .min(1)
      .max(24 * 60 * 60 * 1000)
      .default(120_000),
  },
  maxOutputBytes: {
    env: 'CODEGOD_MAX_OUTPUT_BYTES',
    schema: z.coerce
      .number()
      .int()
      .min(1024)
      .max(1024 * 1024 * 1024)
      .default(256 * 1024),
  },
});

/**
 * Applies defaults once and rejects bad values, naming the option and its variable. Throws
 * SandboxUnavailableError when the chosen runner cannot work here.
 */
export function resolveSandboxOptions(options: SandboxOptions): ResolvedSandboxOptions {
  const env = options.env ?? process.env;
  const workspace = realWorkspace(options.workspace);
  const allowlist = z.array(z.string().min(1)).safeParse(options.allowlist);
  if (!allowlist.success) {
    throw new ConfigError(
      'allowlist',
      undefined,
      'expected a list of executable names or workspace-relative paths',
    );
  }
  return {
    workspace,
    allowlist: allowlist.data,
    ...COMMAND_SETTINGS.resolve(options, env),
    env,
    passEnv: options.passEnv ?? [],
    screening: options.screening ?? true,
    runner:
      options.runner ??
      createCommandRunner({
        env,
        ...(options.sandbox !== undefined ? { sandbox: options.sandbox } : {}),
        ...(options.limits ? { limits: options.limits } : {}),
      }),
  };
}

/** The real path of `workspace`, which must be an absolute path to an existing directory; throws ConfigError otherwise. */
export function realWorkspace(workspace: string): string {
  if (!isAbsolute(workspace)) {
    throw new ConfigError(
      'workspace',
      undefined,
      `expected an absolute path (got ${JSON.stringify(workspace)})`,
    );
  }
  try {
    // The native realpath is one system call; the JS one lstats each component.
    const real = realpathSync.native(workspace);
    if (!statSync(real).isDirectory()) throw new Error('not a directory');
    return real;
  } catch (error) {
    throw new ConfigError(
      'workspace',
      undefined,
      `${workspace} is not an existing directory (${(error as Error).message})`,
    );
  }
}
