import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { STILL_PENDING, settled } from '@codegod/testkit';

/** The repository root; child processes run the built dist/ files from here. */
export const ROOT = join(import.meta.dirname, '..', '..', '..');
/** The built `codegod` CLI. */
export const CLI_BIN = join(ROOT, 'packages', 'cli', 'dist', 'bin.js');
/** The built master-orchestrator service. */
export const MASTER_BIN = join(ROOT, 'services', 'master-orchestrator', 'dist', 'main.js');
/** The built agent-worker service. */
export const WORKER_BIN = join(ROOT, 'services', 'agent-worker', 'dist', 'main.js');

/** Output kept per child, so a failing test can show what the process said. */
const OUTPUT_CAP = 200_000;

/** A child process this test started, with its captured output. */
export interface TrackedChild {
  readonly name: string;
  readonly process: ChildProcess;
  /** stdout and stderr interleaved, capped. */
  output(): string;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (or null when killed by a signal). */
  readonly exited: Promise<number | null>;
}

/**
 * Starts and tracks child processes so a test file can stop every one it started, and only
 * those, even when the test fails.
 */
export class ChildProcesses {
  readonly #children = new Set<TrackedChild>();

  /** Spawns `node <script> ...args` with `env` as the whole environment. */
  spawnNode(name: string, script: string, args: string[], env: NodeJS.ProcessEnv): TrackedChild {
    const child = spawn(process.execPath, [script, ...args], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let all = '';
    let out = '';
    let err = '';
    const keep = (text: string, chunk: string) => (text + chunk).slice(-OUTPUT_CAP);
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      out = keep(out, chunk);
      all = keep(all, chunk);
    });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      err = keep(err, chunk);
      all = keep(all, chunk);
    });
    const exited = new Promise<number | null>((resolve) => {
      child.once('error', () => resolve(null));
      child.once('close', (code) => resolve(code));
    });
    const tracked: TrackedChild = {
      name,
      process: child,
      output: () => all,
      stdout: () => out,
      stderr: () => err,
      exited,
    };
    this.#children.add(tracked);
    void exited.then(() => this.#children.delete(tracked));
    return tracked;
  }

  /** Waits until `child` prints `text`; rejects if it exits first or after `timeoutMs`. */
  async waitForOutput(child: TrackedChild, text: string, timeoutMs = 120_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!child.output().includes(text)) {
      if (child.process.exitCode !== null || child.process.signalCode !== null) {
        throw new Error(`${child.name} exited before printing "${text}":\n${child.output()}`);
      }
      if (Date.now() > deadline) {
        throw new Error(`${child.name} did not print "${text}" in time:\n${child.output()}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** The exit code of `child`; rejects with its output if it has not exited after `timeoutMs`. */
  async exitCode(child: TrackedChild, timeoutMs: number): Promise<number | null> {
    const code = await settled(child.exited, timeoutMs);
    if (code === STILL_PENDING)
      throw new Error(`${child.name} did not exit in time:\n${child.output()}`);
    return code;
  }

  /** SIGTERM to every child still running, then SIGKILL to those that do not exit in time. */
  async stopAll(graceMs = 5_000): Promise<void> {
    const running = [...this.#children];
    for (const child of running) child.process.kill('SIGTERM');
    await Promise.all(
      running.map(async (child) => {
        const timer = setTimeout(() => child.process.kill('SIGKILL'), graceMs);
        await child.exited;
        clearTimeout(timer);
      }),
    );
  }
}

/** The result of one CLI run. */
export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The environment for a child: this process's PATH and HOME (python3, npm, redis-server),
 * without any REDIS_URL or LLM settings inherited from the machine, plus `extra`.
 */
export function childEnvironment(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const name of ['PATH', 'HOME', 'TMPDIR', 'LANG', 'USER']) {
    if (process.env[name] !== undefined) env[name] = process.env[name];
  }
  return { ...env, LOG_LEVEL: 'info', ...extra };
}

/** Runs the built `codegod` CLI to its exit, killing it after `timeoutMs`. */
export async function runCodegod(
  children: ChildProcesses,
  args: string[],
  env: NodeJS.ProcessEnv,
  timeoutMs = 240_000,
): Promise<CliResult> {
  const child = children.spawnNode('codegod', CLI_BIN, args, env);
  const timer = setTimeout(() => child.process.kill('SIGKILL'), timeoutMs);
  const code = await child.exited;
  clearTimeout(timer);
  return { code, stdout: child.stdout(), stderr: child.stderr() };
}
