import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { connect, createServer } from 'node:net';
import { onStopSignals } from '@codegod/config';

/** What a finished command printed. */
export interface ProcessResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Options of runProcess. */
export interface RunProcessOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Let the command print to this terminal instead of capturing (default false). */
  inherit?: boolean;
  /** Milliseconds before the command is killed (default: none). */
  timeoutMs?: number;
}

/** Runs a command to its end, without a shell. A missing executable gives status null. */
export function runProcess(
  command: string,
  args: readonly string[],
  options: RunProcessOptions = {},
): ProcessResult {
  const result = spawnSync(command, args, {
    env: options.env ?? process.env,
    cwd: options.cwd,
    encoding: 'utf8',
    stdio: options.inherit ? 'inherit' : 'pipe',
    timeout: options.timeoutMs,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: result.status, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
}

/**
 * Runs a command attached to this terminal until it ends. Ctrl-C reaches it through the
 * terminal's process group; this process waits for it instead of dying first, so `logs -f`
 * ends cleanly with 0.
 */
export function runAttached(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: 'inherit' });
    let interrupted = false;
    // A second signal, or the grace run out, kills a child that ignored the first.
    const done = onStopSignals(({ force }) => {
      interrupted = true;
      child.kill(force ? 'SIGKILL' : 'SIGTERM');
    });
    child.on('error', (error) => {
      done();
      reject(error);
    });
    child.on('close', (code) => {
      done();
      resolve(interrupted ? 0 : (code ?? 1));
    });
  });
}

/** True when something accepts TCP connections on 127.0.0.1:port. */
export function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.setTimeout(1000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

/** A TCP port that was free on 127.0.0.1 a moment ago. */
export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** True while the process with this pid exists. */
export function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Waits up to `timeoutMs` for `pid` to exit; true when it did. */
export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return true;
}

/** 48 hex characters from the OS's random source: passwords the fleet makes for itself. */
export function randomSecret(): string {
  return randomBytes(24).toString('hex');
}
