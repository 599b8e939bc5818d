import { isAbsolute, relative, resolve } from 'node:path';
import { formatArgv } from '@codegod/protocol';
import type { CommandOutput, CommandRunner, CommandSpec } from './command-runner.js';
import { directNpmScript } from './npm-script.js';
import { resolveInside } from './resolve-inside.js';
import { runShared } from './shared-commands.js';
import { type SparePool, type WarmSpare, withSpares } from './spares/spare-pool.js';

/** What a check command did (the shape of the sandbox's CommandResult): capped, secrets redacted. */
export type CheckCommandResult = CommandOutput & {
  /** The command line as run, secrets redacted. */
  commandLine: string;
};

// Acceptance checks run programs no role allowlists (the task's own test, `sh -c` for the
// user's --check), so they skip the allowlist and argument screening. Everything else stays:
// the same runner (and so the same OS confinement) as actions, the cwd confined to the
// workspace, the filtered environment, timeouts, output caps, redaction and no shell.

/** Per-call settings of a check command. */
export interface CheckCommandOptions {
  /** Working directory, relative to the workspace. Default: the workspace. */
  cwd?: string;
  /** Milliseconds before the command and everything it started are killed. Default: the sandbox's. */
  timeoutMs?: number;
  /** Kills the command when aborted. */
  signal?: AbortSignal;
}

/** A check command running in the background; its output is capped and redacted. */
export interface StartedCheckCommand {
  /** The pid of the outermost process the runner started; undefined when it could not start. */
  readonly pid: number | undefined;
  /** Settles when the command has ended, for whatever reason. */
  readonly done: Promise<CheckCommandResult>;
  /** Kills the command and everything it started, and waits until they are gone. */
  stop(): Promise<CheckCommandResult>;
}

/** What the sandbox shares with its check commands. */
export interface CheckCommandContext {
  workspace: string;
  env: Readonly<Record<string, string>>;
  redact: (text: string) => string;
  runner: CommandRunner;
  /** The sandbox's spare interpreters. */
  spares: SparePool;
  timeoutMs: number;
  maxOutputBytes: number;
}

/** The sandbox's two check-command methods over `context`. */
export function checkCommands(context: CheckCommandContext) {
  const { workspace, redact, runner } = context;
  const sparing = withSpares(runner, context.spares);

  /**
   * A bare name is looked up on the filtered PATH and an absolute path is taken as is (the
   * runner confines what it can touch); a relative path is read from the cwd, as a shell
   * would, and its directory must lie inside the workspace.
   */
  async function executable(file: string, cwd: string): Promise<string> {
    if (!file.includes('/') || isAbsolute(file)) return file;
    return resolveInside(workspace, relative(workspace, resolve(cwd, file)), { followLeaf: false });
  }

  async function spec(argv: readonly string[], options: CheckCommandOptions): Promise<CommandSpec> {
    const [program, ...args] = argv;
    if (!program) throw new TypeError('a check command needs a program name');
    const cwd = await resolveInside(workspace, options.cwd ?? '.');
    return {
      file: await executable(program, cwd),
      args,
      cwd,
      workspace,
      env: context.env,
      timeoutMs: options.timeoutMs ?? context.timeoutMs,
      maxOutputBytes: context.maxOutputBytes,
      ...(options.signal ? { signal: options.signal } : {}),
      network: false,
    };
  }

  const finish = (argv: readonly string[], output: CommandOutput): CheckCommandResult => ({
    ...output,
    commandLine: redact(formatArgv(argv)),
    stdout: redact(output.stdout),
    stderr: redact(output.stderr),
  });

  return {
    /** Runs any argv (an acceptance check's) to its end; not limited to the role's allowlist. */
    async runCheckCommand(
      argv: readonly string[],
      options: CheckCommandOptions = {},
    ): Promise<CheckCommandResult> {
      const direct = await directNpmScript(await spec(argv, options), runner);
      return finish(argv, await runShared(sparing, direct));
    },
    /** Starts a spare for a later `runCheckCommand(argv, options)`, if it has one. */
    async warmCheckCommand(
      argv: readonly string[],
      options: CheckCommandOptions = {},
    ): Promise<WarmSpare | undefined> {
      const planned = await spec(argv, options).catch(() => undefined);
      return planned && context.spares.warm(planned);
    },
    /** Starts any argv (an acceptance check's) in the background through the runner. */
    async startCheckCommand(
      argv: readonly string[],
      options: CheckCommandOptions = {},
    ): Promise<StartedCheckCommand> {
      const running = runner.start(await spec(argv, options));
      const done = running.done.then((output) => finish(argv, output));
      return {
        pid: running.pid,
        done,
        stop: () => running.stop().then((output) => finish(argv, output)),
      };
    },
  };
}
