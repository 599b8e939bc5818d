import { access, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, normalize, relative, resolve, sep } from 'node:path';
import { execa } from 'execa';
import { CommandNotAllowedError } from '../errors/command-not-allowed-error.js';
import { assertSafeArgument } from './assert-safe-argument.js';
import { childEnv, makeRedactor } from './child-env.js';
import { resolveInside } from './resolve-inside.js';
import { resolveSandboxOptions, type SandboxOptions } from './sandbox-options.js';

/** What a command did. Output is capped and has secrets redacted. */
export interface CommandResult {
  /** The command line as run, secrets redacted, e.g. `venv/bin/pip install flask`. */
  commandLine: string;
  /** The exit code; null when the command was killed or could not start. */
  exitCode: number | null;
  stdout: string;
  stderr: string;
  /** True when the command ran past its timeout and was killed. */
  timedOut: boolean;
  /** True when the command printed more than the output cap and was stopped. */
  truncated: boolean;
  /** True when the caller's signal aborted the command. */
  cancelled: boolean;
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
   * already validated against a stricter schema (pip's `flask>=3` needs `>`).
   */
  trustedArguments?: boolean;
}

/** A workspace with confined file access and a shell-free, allowlisted command runner. */
export interface Sandbox {
  /** The workspace's real absolute path. */
  readonly workspace: string;
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
  /** Hides secret values and URL credentials in `text`. */
  redact(text: string): string;
}

/** Arguments that look like paths: absolute, home-relative, or with a `..` segment. */
function pathLike(value: string): boolean {
  return value.startsWith('/') || value.startsWith('~') || value.split(/[\\/]/).includes('..');
}

function capText(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text);
  return bytes.length <= maxBytes ? text : bytes.subarray(0, maxBytes).toString();
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    // Negative pid: the whole group, so `npm run` cannot leave its children behind.
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/** Creates a sandbox over `options.workspace`. Throws ConfigError for bad settings. */
export function createSandbox(options: SandboxOptions): Sandbox {
  const settings = resolveSandboxOptions(options);
  const { workspace, allowlist } = settings;
  const redact = makeRedactor(settings.env);
  const env = childEnv(settings.env, settings.passEnv);
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

  async function checkArguments(args: readonly string[]): Promise<void> {
    for (const argument of args) {
      assertSafeArgument(argument);
      const value = argument.startsWith('-') ? argument.slice(argument.indexOf('=') + 1) : argument;
      if (argument.startsWith('-') && !argument.includes('=')) continue;
      if (pathLike(value)) await resolveInside(workspace, value);
    }
  }

  async function run(
    command: string,
    args: readonly string[],
    runOptions: RunOptions = {},
  ): Promise<CommandResult> {
    const file = await executable(command);
    if (!runOptions.trustedArguments) await checkArguments(args);
    const cwd = await resolvePath(runOptions.cwd ?? '.');
    const timeoutMs = runOptions.timeoutMs ?? settings.timeoutMs;
    const subprocess = execa(file, args, {
      cwd,
      env,
      extendEnv: false,
      shell: false,
      reject: false,
      stdin: 'ignore',
      detached: true,
      stripFinalNewline: false,
      maxBuffer: settings.maxOutputBytes,
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(subprocess.pid);
    }, timeoutMs);
    const onAbort = () => killGroup(subprocess.pid);
    runOptions.signal?.addEventListener('abort', onAbort, { once: true });
    if (runOptions.signal?.aborted) onAbort();
    try {
      const result = await subprocess;
      const truncated = result.isMaxBuffer;
      if (truncated) killGroup(subprocess.pid);
      const spawnFailed = result.exitCode === undefined && !result.isTerminated && !truncated;
      const stderr = spawnFailed
        ? `${result.stderr ?? ''}${result.originalMessage ?? ''}`
        : result.stderr;
      return {
        commandLine: redact([command, ...args].join(' ')),
        exitCode: result.exitCode ?? null,
        stdout: redact(capText(String(result.stdout ?? ''), settings.maxOutputBytes)),
        stderr: redact(capText(String(stderr ?? ''), settings.maxOutputBytes)),
        timedOut,
        truncated,
        cancelled: runOptions.signal?.aborted ?? false,
      };
    } finally {
      clearTimeout(timer);
      runOptions.signal?.removeEventListener('abort', onAbort);
    }
  }

  return {
    workspace,
    resolvePath,
    async exists(path) {
      const absolute = await resolvePath(path);
      return access(absolute).then(
        () => true,
        () => false,
      );
    },
    async readFile(path) {
      return readFile(await resolvePath(path), 'utf8');
    },
    async writeFile(path, content) {
      const absolute = await resolvePath(path);
      await mkdir(dirname(absolute), { recursive: true });
      // Re-check after mkdir: a directory created meanwhile must not have become a way out.
      await resolvePath(path);
      await writeFile(absolute, content, 'utf8');
    },
    run,
    redact,
  };
}
