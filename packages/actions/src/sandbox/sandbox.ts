import { accessSync, lstatSync, readFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, normalize, relative, resolve, sep } from 'node:path';
import { CommandNotAllowedError } from '../errors/command-not-allowed-error.js';
import { statOrNothing } from '../shared/fs-lookups.js';
import {
  type CheckCommandOptions,
  type CheckCommandResult,
  checkCommands,
  type StartedCheckCommand,
} from './check-commands.js';
import { childEnv, makeRedactor } from './child-env.js';
import type { CommandOutput, SandboxKind } from './command-runner.js';
import { withInstallLock } from './install-lock.js';
import { directNpmScript } from './npm-script.js';
import { resolveInside } from './resolve-inside.js';
import {
  type ResolvedSandboxOptions,
  realWorkspace,
  resolveSandboxOptions,
  type SandboxOptions,
} from './sandbox-options.js';
import { screenArguments } from './screen-arguments.js';
import { screenRequirementsFile } from './screen-requirements-file.js';
import { screenToolUse } from './screen-tool-use.js';
import { runShared } from './shared-commands.js';
import { SparePool, type WarmSpare, withSpares } from './spares/spare-pool.js';

/** What a command did, as the runner reported it, with its output capped and secrets redacted. */
export interface CommandResult extends CommandOutput {
  /** The command line as run, secrets redacted, e.g. `venv/bin/pip install flask`. */
  commandLine: string;
}

/** Per-call settings of `Sandbox.run`. */
export interface RunOptions {
  /** Working directory, relative to the workspace. Default: the workspace. */
  cwd?: string;
  /** Overrides the sandbox's timeout for this call. */
  timeoutMs?: number;
  /** Kills the command when aborted. */
  signal?: AbortSignal;
  /**
   * Skips the metacharacter and path checks on arguments. Only for arguments the caller has
   * already validated against a stricter schema (pip's `flask>=3` needs `>`). How the command
   * uses pip or npm is screened all the same.
   */
  trustedArguments?: boolean;
  /** Whether the command may use the network (dependency installs). Default: false. */
  network?: boolean;
}

/** A workspace with confined file access and a shell-free, allowlisted command runner. */
export interface Sandbox {
  /** The workspace's real absolute path. */
  readonly workspace: string;
  /** How commands are confined. */
  readonly kind: SandboxKind;
  /** The absolute path of `path` inside the workspace; throws PathOutsideWorkspaceError otherwise. */
  resolvePath(path: string): Promise<string>;
  /** True when `path` (inside the workspace) exists. */
  exists(path: string): Promise<boolean>;
  /** Reads a UTF-8 file inside the workspace. */
  readFile(path: string): Promise<string>;
  /** Writes a UTF-8 file inside the workspace, creating its directories. */
  writeFile(path: string, content: string): Promise<void>;
  /** Runs an allowlisted executable with an argument array and no shell. */
  run(command: string, args: readonly string[], options?: RunOptions): Promise<CommandResult>;
  /**
   * Starts a spare interpreter for a later `run` of exactly this command (see spares/):
   * undefined, and no process, when the command has none or `run` would refuse it. Only
   * worth it for a command that will run; `dispose()` the spare when it no longer may.
   */
  warm(
    command: string,
    args: readonly string[],
    options?: RunOptions,
  ): Promise<WarmSpare | undefined>;
  /**
   * Runs any argv to its end: an acceptance check's, so not limited to the allowlist and not
   * screened, but with the same runner, a confined cwd, the filtered env, timeout, output cap,
   * redaction and no shell.
   */
  runCheckCommand(
    argv: readonly string[],
    options?: CheckCommandOptions,
  ): Promise<CheckCommandResult>;
  /** `warm` for a later `runCheckCommand` of `argv` with these options. */
  warmCheckCommand(
    argv: readonly string[],
    options?: CheckCommandOptions,
  ): Promise<WarmSpare | undefined>;
  /** Starts such an argv in the background (an `http` check's probe); stop() kills its tree. */
  startCheckCommand(
    argv: readonly string[],
    options?: CheckCommandOptions,
  ): Promise<StartedCheckCommand>;
  /** Hides secret values and URL credentials in `text`. */
  redact(text: string): string;
}

/** Creates a sandbox over `options.workspace`. Throws ConfigError for bad settings. */
export function createSandbox(options: SandboxOptions): Sandbox {
  const settings = resolveSandboxOptions(options);
  return sandboxOver(
    settings,
    makeRedactor(settings.env),
    childEnv(settings.env, settings.passEnv),
    new SparePool(settings.runner),
  );
}

/**
 * Makes sandboxes over any workspace with the settings of `options` (whose `workspace` is
 * ignored). The settings, the environment commands see and the env redactor are worked out
 * once, not per sandbox: a task makes a sandbox per step, and walking `process.env` each time
 * cost more than the step's own work. Each workspace is still checked to be a real directory.
 */
export function sandboxMaker(
  options: Omit<SandboxOptions, 'workspace'>,
): (workspace: string) => Sandbox {
  const settings = resolveSandboxOptions({ ...options, workspace: tmpdir() });
  const redact = makeRedactor(settings.env);
  const env = childEnv(settings.env, settings.passEnv);
  const spares = new SparePool(settings.runner);
  return (workspace) =>
    sandboxOver({ ...settings, workspace: realWorkspace(workspace) }, redact, env, spares);
}

/**
 * A sandbox over `settings.workspace` (already real), redacting with `redact`, giving commands
 * `env`, keeping its spare interpreters in `spares` (shared by the maker's sandboxes).
 */
function sandboxOver(
  settings: ResolvedSandboxOptions,
  redact: (text: string) => string,
  env: Record<string, string>,
  spares: SparePool,
): Sandbox {
  const { workspace, allowlist } = settings;
  const { runner } = settings;
  const sparing = withSpares(runner, spares);
  const allowedNames = new Set(allowlist.filter((entry) => !entry.includes('/')));
  const allowedPaths = new Set(
    allowlist.filter((entry) => entry.includes('/')).map((entry) => normalize(entry)),
  );

  const resolvePath = (path: string) => resolveInside(workspace, path);

  async function executable(command: string): Promise<string> {
    if (!command.includes('/') && !command.includes(sep)) {
      if (!allowedNames.has(command)) throw new CommandNotAllowedError(command, allowlist);
      return command;
    }
    const lexical = resolve(workspace, command);
    const rel = relative(workspace, lexical);
    if (isAbsolute(rel) || !allowedPaths.has(normalize(rel))) {
      throw new CommandNotAllowedError(command, allowlist);
    }
    // The leaf may link out (venv/bin/python -> /usr/bin/python3.11); its directory may not.
    return resolveInside(workspace, rel, { followLeaf: false });
  }

  /** The checked executable and cwd of a `run`, its screening done, and its spec maker. */
  async function prepare(command: string, args: readonly string[], runOptions: RunOptions) {
    const file = await executable(command);
    const cwd = await resolvePath(runOptions.cwd ?? '.');
    // Installs take the workspace's lock whether or not screening is on.
    const use = screenToolUse(command, args, { refuse: settings.screening });
    if (settings.screening) {
      if (!runOptions.trustedArguments) await screenArguments(workspace, cwd, args);
      for (const requirements of use.requirementFiles) {
        await screenRequirementsFile(workspace, resolve(cwd, requirements), cwd);
      }
    }
    const spec = (argv: { file: string; args: readonly string[] }) => ({
      ...argv,
      cwd,
      workspace,
      env,
      timeoutMs: runOptions.timeoutMs ?? settings.timeoutMs,
      maxOutputBytes: settings.maxOutputBytes,
      ...(runOptions.signal ? { signal: runOptions.signal } : {}),
      network: runOptions.network ?? false,
    });
    return { file, use, spec };
  }

  async function run(
    command: string,
    args: readonly string[],
    runOptions: RunOptions = {},
  ): Promise<CommandResult> {
    const { file, use, spec } = await prepare(command, args, runOptions);
    // An install changes the workspace, so it always runs; other commands may be shared.
    const output = use.mutatesDependencies
      ? await withInstallLock(workspace, { file, args }, (argv) => runner.run(spec(argv)))
      : await runShared(sparing, await directNpmScript(spec({ file, args }), runner));
    return {
      ...output,
      commandLine: redact([command, ...args].join(' ')),
      stdout: redact(output.stdout),
      stderr: redact(output.stderr),
    };
  }

  async function warm(
    command: string,
    args: readonly string[],
    runOptions: RunOptions = {},
  ): Promise<WarmSpare | undefined> {
    const prepared = await prepare(command, args, runOptions).catch(() => undefined);
    if (!prepared || prepared.use.mutatesDependencies) return undefined;
    return spares.warm(prepared.spec({ file: prepared.file, args }));
  }

  return {
    workspace,
    kind: runner.kind,
    resolvePath,
    async exists(path) {
      // A bare name directly in the (real) workspace that lstat cannot find is neither a file
      // nor a link: absent, and resolving it (three failing syscalls) would say nothing more.
      if (isBareName(path) && isMissing(resolve(workspace, path))) return false;
      const absolute = await resolvePath(path);
      try {
        accessSync(absolute);
        return true;
      } catch {
        return false;
      }
    },
    async readFile(path) {
      const absolute = await resolvePath(path);
      // A small regular file is read at once (microseconds from the page cache, as realTarget's
      // lookups); a large one, a FIFO that would wait for a writer, or a device, on the thread
      // pool, so the event loop every agent of the process shares never waits on it.
      const stats = statOrNothing(absolute);
      if (stats?.isFile() && stats.size <= SYNC_READ_MAX_BYTES) {
        return readFileSync(absolute, 'utf8');
      }
      return readFile(absolute, 'utf8');
    },
    async writeFile(path, content) {
      const absolute = await resolvePath(path);
      await mkdir(dirname(absolute), { recursive: true });
      // Re-check after mkdir: a directory created meanwhile must not have become a way out.
      await resolvePath(path);
      await writeFile(absolute, content, 'utf8');
    },
    run,
    warm,
    ...checkCommands({
      workspace,
      env,
      redact,
      runner,
      spares,
      timeoutMs: settings.timeoutMs,
      maxOutputBytes: settings.maxOutputBytes,
    }),
    redact,
  };
}

/** The largest file `readFile` reads synchronously, in bytes. */
const SYNC_READ_MAX_BYTES = 256 * 1024;

/** True when lstat says `path` does not exist (any other error: not known to be missing). */
function isMissing(path: string): boolean {
  try {
    lstatSync(path);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT';
  }
}

/** A single path component naming an entry of the directory itself: no separator, not `.`/`..`. */
function isBareName(path: string): boolean {
  return (
    path !== '' &&
    path !== '.' &&
    path !== '..' &&
    !path.includes('/') &&
    !path.includes(sep) &&
    !path.includes('\0')
  );
}
