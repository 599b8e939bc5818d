import type {
  CommandOutput,
  CommandRunner,
  CommandSpec,
  PausedCommand,
} from '../command-runner.js';
import { executableIdentity, spareSpec } from './spare-command.js';

// Issue 15: on a task's critical path, Validate's one interpreter start (`node -e`, `python
// -c`, `python -m unittest` under bubblewrap) comes right after the act. A spare is that
// interpreter started while the agent waits on its LLM call, in the same sandbox (same runner,
// launcher line, env, cwd and workspace binds), held at its gate until Validate runs that very
// command line. It is used only when that is provably the same as a fresh start, and at most
// once; everything else spawns as before. See docs/architecture.md ("Spare interpreters").

/** How long a spare waits for its command; after that it is killed and Validate spawns. */
export const SPARE_MAX_WAIT_MS = 10 * 60_000;

/** A spare started for one command line; `dispose()` kills it unless a command used it. */
export interface WarmSpare {
  /** The pid of the spare's outermost process; undefined when it could not start. */
  readonly pid: number | undefined;
  dispose(): Promise<void>;
}

interface Spare {
  /** The command line, cwd, env and runner options it was started for. */
  key: string;
  /** Its spec's timeout: the in-sandbox backstop allows for no longer a job. */
  timeoutMs: number;
  /** The executable as it was when the spare started (see executableIdentity). */
  identity: string;
  paused: PausedCommand;
}

/** Everything of a spec but its timeout and signal, which a job brings along. */
function keyOf(spec: CommandSpec): string {
  const { file, args, cwd, workspace, env, maxOutputBytes } = spec;
  return JSON.stringify([file, args, cwd, workspace, env, maxOutputBytes, spec.network ?? false]);
}

/** The spares of one runner's sandboxes (a toolkit's). */
export class SparePool {
  private readonly spares = new Set<Spare>();

  constructor(private readonly runner: CommandRunner) {}

  /**
   * Starts a spare for `spec` when it has one (see spareSpec), the runner can start paused
   * commands and no spare that could serve it waits already; undefined otherwise, and then no
   * process is started.
   */
  warm(spec: CommandSpec): WarmSpare | undefined {
    const gated = spareSpec(spec);
    if (!gated || !this.runner.startPaused || spec.network) return undefined;
    const key = keyOf(spec);
    // The same command line twice in one Validate (a health check that is also a task check)
    // runs once (runWithSharedCommands), so it gets one spare.
    for (const spare of this.spares) {
      if (spare.key === key && spare.timeoutMs >= spec.timeoutMs && spare.paused.waiting()) {
        return undefined;
      }
    }
    const identity = executableIdentity(spec);
    const paused = this.runner.startPaused(gated, SPARE_MAX_WAIT_MS);
    const spare: Spare = { key, timeoutMs: spec.timeoutMs, identity, paused };
    this.spares.add(spare);
    return {
      pid: paused.pid,
      dispose: async () => {
        this.spares.delete(spare);
        await paused.stop();
      },
    };
  }

  /**
   * Runs `spec` in a spare started for it, if one is still waiting and a fresh start now would
   * be the same: the same executable, venv, launcher line, and a timeout the spare allows for.
   * Undefined when there is none, or it declined or died: the caller then spawns. A spare that
   * matched the command line is used up either way.
   */
  async run(spec: CommandSpec): Promise<CommandOutput | undefined> {
    if (this.spares.size === 0) return undefined;
    const key = keyOf(spec);
    for (const spare of this.spares) {
      if (spare.key !== key) continue;
      this.spares.delete(spare);
      const same =
        spare.paused.waiting() &&
        spec.timeoutMs <= spare.timeoutMs &&
        executableIdentity(spec) === spare.identity &&
        spare.paused.confinedAsAtStart();
      if (!same) {
        await spare.paused.stop();
        continue;
      }
      const output = await spare.paused.resume({
        timeoutMs: spec.timeoutMs,
        ...(spec.signal ? { signal: spec.signal } : {}),
      });
      if (output) return output;
    }
    return undefined;
  }
}

/** `runner` whose `run` uses a matching spare of `pool` before it spawns. */
export function withSpares(runner: CommandRunner, pool: SparePool): CommandRunner {
  return {
    kind: runner.kind,
    start: (spec) => runner.start(spec),
    run: async (spec) => (await pool.run(spec)) ?? runner.run(spec),
  };
}
