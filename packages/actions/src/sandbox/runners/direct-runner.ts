import { execa } from 'execa';
import type {
  CommandOutput,
  CommandRunner,
  CommandSpec,
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

/**
 * Starts `spec` as a child in its own process group, with no shell, and kills the whole group
 * on timeout, output cap, abort or `stop()`. `wrap` lets a confining adapter put its own
 * launcher (bwrap and its options) in front of the command.
 */
export function startInProcessGroup(
  spec: CommandSpec,
  wrap: (spec: CommandSpec) => { file: string; args: readonly string[] } = (s) => s,
): RunningCommand {
  const { file, args } = wrap(spec);
  const subprocess = execa(file, args, {
    cwd: spec.cwd,
    env: spec.env,
    extendEnv: false,
    shell: false,
    reject: false,
    stdin: 'ignore',
    detached: true,
    stripFinalNewline: false,
    maxBuffer: spec.maxOutputBytes,
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup(subprocess.pid);
  }, spec.timeoutMs);
  // execa only stops reading at maxBuffer; a writer that ignores EPIPE (node in a sync loop)
  // would spin until the timeout, so the group dies as soon as a stream passes the cap.
  let overCap = false;
  for (const stream of [subprocess.stdout, subprocess.stderr]) {
    let bytes = 0;
    stream?.on('data', (chunk: Buffer | string) => {
      bytes += Buffer.byteLength(chunk);
      if (bytes > spec.maxOutputBytes && !overCap) {
        overCap = true;
        killGroup(subprocess.pid);
      }
    });
  }
  const onAbort = () => killGroup(subprocess.pid);
  spec.signal?.addEventListener('abort', onAbort, { once: true });
  if (spec.signal?.aborted) onAbort();
  const done = (async (): Promise<CommandOutput> => {
    try {
      const result = await subprocess;
      const truncated = result.isMaxBuffer || overCap;
      // The group may outlive its leader (a daemonised child); it dies with the command.
      killGroup(subprocess.pid);
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
        cancelled: spec.signal?.aborted ?? false,
      };
    } finally {
      clearTimeout(timer);
      spec.signal?.removeEventListener('abort', onAbort);
    }
  })();
  return {
    pid: subprocess.pid,
    done,
    stop() {
      killGroup(subprocess.pid);
      return done;
    },
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
  };
}
