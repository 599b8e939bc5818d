import type { Duplex } from 'node:stream';
import { execa } from 'execa';
import type {
  CommandOutput,
  CommandRunner,
  CommandSpec,
  PausedCommand,
  RunningCommand,
} from '../command-runner.js';

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

/** A child started in its own process group; `arm` starts its timeout and abort listener. */
interface Launched {
  subprocess: ReturnType<typeof execa>;
  done: Promise<CommandOutput>;
  arm(timeoutMs: number, signal: AbortSignal | undefined): void;
  kill(): void;
}

/**
 * Starts `spec` (through `wrap`) in its own process group, with no shell, capturing and
 * capping its output; with `control`, fd 3 is a socket to it (a spare's go channel).
 */
function launch(
  spec: CommandSpec,
  wrap: (spec: CommandSpec) => { file: string; args: readonly string[] },
  control: boolean,
): Launched {
  const { file, args } = wrap(spec);
  const subprocess = execa(file, args, {
    cwd: spec.cwd,
    env: spec.env,
    extendEnv: false,
    shell: false,
    reject: false,
    ...(control
      ? { stdio: ['ignore', 'pipe', 'pipe', 'pipe'] as const, buffer: { fd3: false } }
      : { stdin: 'ignore' as const }),
    detached: true,
    stripFinalNewline: false,
    maxBuffer: spec.maxOutputBytes,
  });
  const kill = () => killGroup(subprocess.pid);
  let timedOut = false;
  let timer: NodeJS.Timeout | undefined;
  let signal: AbortSignal | undefined;
  // execa only stops reading at maxBuffer; a writer that ignores EPIPE (node in a sync loop)
  // would spin until the timeout, so the group dies as soon as a stream passes the cap.
  let overCap = false;
  for (const stream of [subprocess.stdout, subprocess.stderr]) {
    let bytes = 0;
    stream?.on('data', (chunk: Buffer | string) => {
      bytes += Buffer.byteLength(chunk);
      if (bytes > spec.maxOutputBytes && !overCap) {
        overCap = true;
        kill();
      }
    });
  }
  const onAbort = () => kill();
  const done = (async (): Promise<CommandOutput> => {
    try {
      const result = await subprocess;
      const truncated = result.isMaxBuffer || overCap;
      // The group may outlive its leader (a daemonised child); it dies with the command.
      kill();
      const spawnFailed = result.exitCode === undefined && !result.isTerminated && !truncated;
      const stderr = spawnFailed
        ? `${result.stderr ?? ''}${result.originalMessage ?? ''}`
        : result.stderr;
      return {
        exitCode: result.exitCode ?? null,
        stdout: capText(String(result.stdout ?? ''), spec.maxOutputBytes),
        stderr: capText(String(stderr ?? ''), spec.maxOutputBytes),
        timedOut,
        truncated,
        cancelled: signal?.aborted ?? false,
      };
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  })();
  return {
    subprocess,
    done,
    kill,
    arm(timeoutMs, armSignal) {
      timer = setTimeout(() => {
        timedOut = true;
        kill();
      }, timeoutMs);
      signal = armSignal;
      signal?.addEventListener('abort', onAbort, { once: true });
      if (signal?.aborted) onAbort();
    },
  };
}

/**
 * Starts `spec` as a child in its own process group, with no shell, and kills the whole group
 * on timeout, output cap, abort or `stop()`. `wrap` lets a confining adapter put its own
 * launcher (bwrap and its options) in front of the command.
 */
export function startInProcessGroup(
  spec: CommandSpec,
  wrap: (spec: CommandSpec) => { file: string; args: readonly string[] } = (s) => s,
): RunningCommand {
  const { subprocess, done, kill, arm } = launch(spec, wrap, false);
  arm(spec.timeoutMs, spec.signal);
  return {
    pid: subprocess.pid,
    done,
    stop() {
      kill();
      return done;
    },
  };
}

/**
 * Starts `spec` as `startInProcessGroup` would, paused (see PausedCommand): fd 3 carries the
 * go byte and the answer, and the timeout and abort signal are armed at `resume`. Killed if
 * not resumed within `maxWaitMs`.
 */
export function startPausedInProcessGroup(
  spec: CommandSpec,
  maxWaitMs: number,
  wrap: (spec: CommandSpec) => { file: string; args: readonly string[] } = (s) => s,
): PausedCommand {
  const launcher = JSON.stringify(wrap(spec));
  const { subprocess, done, kill, arm } = launch(spec, wrap, true);
  const control = subprocess.stdio[3] as Duplex;
  let state: 'waiting' | 'resumed' | 'stopped' = 'waiting';
  let ended = false;
  void done.then(() => {
    ended = true;
  });
  const answer = new Promise<boolean>((resolve) => {
    control.once('data', (chunk: Buffer) => resolve(chunk[0] === 0x31));
    control.once('close', () => resolve(false));
    control.once('error', () => resolve(false));
  });
  // Once resumed, the job's own timeout, cap and signal end it; a spare that ended by itself
  // is not killed again (its pid may have been reused). Closing fd 3 as well ends a gate that
  // the group kill missed (bwrap killed before it armed --die-with-parent): it reads the end
  // of input and exits, so `done` settles.
  const stop = async () => {
    if (state === 'waiting') {
      state = 'stopped';
      if (!ended) kill();
      control.destroy();
    }
    await done;
  };
  const expiry = setTimeout(() => void stop(), maxWaitMs);
  expiry.unref();
  return {
    pid: subprocess.pid,
    waiting: () => state === 'waiting' && !ended,
    confinedAsAtStart: () => JSON.stringify(wrap(spec)) === launcher,
    async resume({ timeoutMs, signal }) {
      if (state !== 'waiting' || ended) return undefined;
      state = 'resumed';
      clearTimeout(expiry);
      arm(timeoutMs, signal);
      control.write('g');
      if (await answer) return done;
      if (!ended) kill();
      control.destroy();
      await done;
      return undefined;
    },
    stop,
  };
}

/**
 * The `none` adapter: commands run with the worker's own rights, confined only by argument
 * screening. Only on explicit opt-in (`--sandbox none`, `CODEGOD_SANDBOX=none`).
 */
export function createDirectRunner(): CommandRunner {
  return {
    kind: 'none',
    start: (spec) => startInProcessGroup(spec),
    run: (spec) => startInProcessGroup(spec).done,
    startPaused: (spec, maxWaitMs) => startPausedInProcessGroup(spec, maxWaitMs),
  };
}
