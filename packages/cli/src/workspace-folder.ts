import { mkdir, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { CodegodError } from '@codegod/protocol';

/**
 * Resolves `--workspace` and refuses, as a usage error, a path that can never be a workspace:
 * an existing non-folder, or (on the fleet) a folder outside the workers' `WORKSPACE_ROOT`.
 * Nothing is created: the folder is made only once the run can start (see `createWorkspace`).
 */
export async function checkWorkspaceFolder(
  workspace: string,
  workspaceRoot: string | undefined,
): Promise<string> {
  const resolved = resolve(workspace);
  if (workspaceRoot) {
    const inside = relative(resolve(workspaceRoot), resolved);
    if (inside.startsWith('..') || isAbsolute(inside)) {
      throw new CodegodError(
        'usage',
        `--workspace ${resolved} is outside WORKSPACE_ROOT ${workspaceRoot}, the only folder the fleet's agents can reach; use a folder under it.`,
      );
    }
  }
  const found = await stat(resolved).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw new CodegodError('usage', `--workspace ${resolved}: ${error.message}`);
  });
  if (found && !found.isDirectory()) {
    throw new CodegodError(
      'usage',
      `--workspace ${resolved} is a file, not a folder; name a folder (it is created if missing).`,
    );
  }
  return resolved;
}

/** Creates the workspace folder; a folder that cannot be made is a usage error naming the flag. */
export async function createWorkspace(workspace: string): Promise<void> {
  await mkdir(workspace, { recursive: true }).catch((error: NodeJS.ErrnoException) => {
    throw new CodegodError('usage', `--workspace ${workspace} cannot be created: ${error.message}`);
  });
}
