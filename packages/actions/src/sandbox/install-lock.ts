import { mkdir } from 'node:fs/promises';
import { resolveInside } from './resolve-inside.js';
import { findExecutable } from './runners/find-executable.js';

/** The lock file, relative to the workspace, that serialises installs across the fleet. */
export const INSTALL_LOCK_FILE = '.codegod/install.lock';

let flock: string | null | undefined;
/** Tails of the in-process queue per workspace, used only where util-linux flock is missing. */
const queues = new Map<string, Promise<unknown>>();

/** A command to run: an executable and its arguments. */
export interface Argv {
  file: string;
  args: readonly string[];
}

/**
 * Runs `command` holding the workspace's install lock, so two installs into one workspace
 * (from any process of the fleet on this host or volume) never interleave. The command is
 * wrapped in `flock .codegod/install.lock …`: the kernel drops the lock when the command dies,
 * however it dies, so a killed worker never leaves a stale lock. Time spent waiting counts
 * toward the command's timeout. Without flock, installs queue within this process only.
 */
export async function withInstallLock<T>(
  workspace: string,
  command: Argv,
  run: (command: Argv) => Promise<T>,
): Promise<T> {
  const lockFile = await resolveInside(workspace, INSTALL_LOCK_FILE);
  await mkdir(await resolveInside(workspace, '.codegod'), { recursive: true });
  // Re-check after mkdir: a link created meanwhile must not have become a way out.
  await resolveInside(workspace, INSTALL_LOCK_FILE);
  flock ??= findExecutable('flock') ?? null;
  if (flock !== null) {
    return run({ file: flock, args: ['--exclusive', lockFile, command.file, ...command.args] });
  }
  const previous = queues.get(workspace) ?? Promise.resolve();
  const mine = previous.catch(() => {}).then(() => run(command));
  queues.set(workspace, mine);
  try {
    return await mine;
  } finally {
    if (queues.get(workspace) === mine) queues.delete(workspace);
  }
}
