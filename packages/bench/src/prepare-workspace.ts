import { spawn } from 'node:child_process';
import { cp, mkdir, rm } from 'node:fs/promises';
import type { BenchInstance } from './bench-instance.js';

/** Bounds a setup script so a broken one cannot hang the bench. */
const SETUP_TIMEOUT_MS = 120_000;

/**
 * Makes a fresh `workspace` for an instance: an empty directory, then a copy of its source
 * directory or its setup script run there (`sh SCRIPT`, cwd the workspace). Throws with the
 * script's output tail when setup fails.
 */
export async function prepareWorkspace(
  instance: BenchInstance,
  workspace: string,
  env: NodeJS.ProcessEnv,
  signal?: AbortSignal,
): Promise<void> {
  await rm(workspace, { recursive: true, force: true });
  await mkdir(workspace, { recursive: true });
  if ('copy' in instance.workspace) {
    await cp(instance.workspace.copy, workspace, { recursive: true, verbatimSymlinks: true });
    return;
  }
  const { code, output } = await runShell(['sh', instance.workspace.setup], workspace, env, {
    timeoutMs: SETUP_TIMEOUT_MS,
    ...(signal ? { signal } : {}),
  });
  if (code !== 0) {
    throw new Error(`setup script exited ${code ?? 'on a signal'}: ${tail(output, 400)}`);
  }
}

/** The last `chars` characters of `text`, on one line. */
export function tail(text: string, chars: number): string {
  const flat = text.trim().replace(/\s*\n\s*/g, ' | ');
  return flat.length > chars ? `…${flat.slice(-chars)}` : flat;
}

/** Settings of runShell. */
export interface RunShellOptions {
  timeoutMs: number;
  signal?: AbortSignal;
}

/**
 * Runs argv in its own process group with stdin closed, collecting stdout and stderr together
 * (capped); the whole group is killed on timeout or abort, so no grandchild outlives it.
 */
export function runShell(
  argv: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
  options: RunShellOptions,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), {
      cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let output = '';
    const take = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-64 * 1024);
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    const kill = () => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    };
    const timer = setTimeout(() => {
      output += `\n(timed out after ${options.timeoutMs} ms)`;
      kill();
    }, options.timeoutMs);
    options.signal?.addEventListener('abort', kill, { once: true });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', kill);
      resolve({ code, output });
    });
  });
}
