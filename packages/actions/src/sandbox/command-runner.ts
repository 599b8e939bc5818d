import type { SandboxKind } from '@codegod/protocol';

/** How commands are confined: by bubblewrap, by the container the worker runs in, or not at all. */
export type { SandboxKind };

/** One command to run: an executable and its arguments, never a shell line. */
export interface CommandSpec {
  /** The executable: an absolute path, or a bare name looked up on the PATH of `env`. */
  file: string;
  args: readonly string[];
  /** The absolute working directory; inside `workspace`. */
  cwd: string;
  /** The absolute, real path of the workspace: the only place the command may write. */
  workspace: string;
  /**
   * The whole environment of the command (already filtered). A confining adapter may replace
   * HOME, TMPDIR and npm_config_cache with private ones (and changing directory may set PWD).
   */
  env: Readonly<Record<string, string>>;
  /** Milliseconds before the command and everything it started are killed. */
  timeoutMs: number;
  /** Bytes kept of each of stdout and stderr; a command that prints more is stopped. */
  maxOutputBytes: number;
  /** Stops the command and everything it started when aborted. */
  signal?: AbortSignal;
  /**
   * Whether the command may use the network. Default: false (only dependency installs need
   * it). Under bubblewrap each command without it gets its own empty network namespace, so a
   * service started with `start()` and a check that talks to it over localhost both need it.
   */
  network?: boolean;
}

/** What a command did, before redaction. */
export interface CommandOutput {
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

/** A command started in the background (a service an acceptance check talks to). */
export interface RunningCommand {
  /** The pid of the outermost process the runner started; undefined when it could not start. */
  readonly pid: number | undefined;
  /** Settles when the command has ended, for whatever reason. */
  readonly done: Promise<CommandOutput>;
  /** Kills the command and everything it started, and waits until they are gone. */
  stop(): Promise<CommandOutput>;
}

/**
 * The port every command of an agent goes through. Adapters confine what the command can
 * touch; all of them kill the command's whole process tree on timeout, output cap, abort or
 * `stop()`. The conformance suite in `@codegod/actions/fixtures` holds every adapter to it.
 */
export interface CommandRunner {
  readonly kind: SandboxKind;
  /** Starts `spec` and returns at once. */
  start(spec: CommandSpec): RunningCommand;
  /** Runs `spec` to its end. */
  run(spec: CommandSpec): Promise<CommandOutput>;
}
