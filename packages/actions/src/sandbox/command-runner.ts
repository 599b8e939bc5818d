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
  /**
   * Files the command must read even where the runner hides the host's (bubblewrap's private
   * /tmp): a spare's gate when codegod itself lives under /tmp. Shown read-only. Default: none.
   */
  readOnlyFiles?: readonly string[];
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

/** When and how a paused command (a spare interpreter, see `spares/`) is let go. */
export interface ResumeOptions {
  /** Milliseconds from now before the command and everything it started are killed. */
  timeoutMs: number;
  /** Stops the command and everything it started when aborted. */
  signal?: AbortSignal;
}

/**
 * A command started with a control channel on fd 3 and left waiting there: it has paid its
 * start-up cost and runs its job only when resumed. Its output, cap and kill are those of a
 * started command; its timeout and abort signal start counting at `resume`.
 */
export interface PausedCommand {
  /** The pid of the outermost process the runner started; undefined when it could not start. */
  readonly pid: number | undefined;
  /** True while it waits: started, not yet resumed, not stopped, not ended. */
  waiting(): boolean;
  /** True when the runner would confine its spec exactly as it did at start (same launcher line). */
  confinedAsAtStart(): boolean;
  /**
   * Sends the go byte and waits for the command's answer: its output once it ran, or
   * undefined when it declined (its start-up state is out of date) or died first; it is
   * then killed. At most once.
   */
  resume(options: ResumeOptions): Promise<CommandOutput | undefined>;
  /** Kills it and everything it started, and waits until they are gone. */
  stop(): Promise<void>;
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
  /**
   * Starts `spec` paused (see PausedCommand), confined exactly as `start` would confine it;
   * it is killed if not resumed within `maxWaitMs`. Optional: without it no spares are made.
   */
  startPaused?(spec: CommandSpec, maxWaitMs: number): PausedCommand;
}
