import { resolve } from 'node:path';
import { PathOutsideWorkspaceError } from '../errors/path-outside-workspace-error.js';
import { assertSafeArgument } from './assert-safe-argument.js';
import { resolveInside } from './resolve-inside.js';

/**
 * The parts of `argument` a tool may take as a path: the argument itself; the value of
 * `--name=value`; and for a short option (`-t/x`, `-qt/x`, `-r/etc/passwd`) what follows the
 * option letter and every later tail that starts like a path, since short options cluster.
 * A bare `--name` has none: its value is the next argument, screened on its own.
 */
export function pathCandidates(argument: string): string[] {
  if (argument === '-' || argument === '--') return [];
  if (argument.startsWith('--')) {
    const equals = argument.indexOf('=');
    return equals === -1 ? [] : [argument.slice(equals + 1)];
  }
  if (!argument.startsWith('-')) return [argument];
  // A cluster is option letters and then, maybe, the last one's value: `-qt/x` is -q -t /x.
  const tails = new Set<string>();
  for (let end = 2; end < argument.length && /^[A-Za-z]+$/.test(argument.slice(1, end)); end++) {
    tails.add(argument.slice(end).replace(/^=/, ''));
  }
  return [...tails].filter((tail) => tail !== '');
}

/**
 * Checks one command's arguments: no shell metacharacters, and every part that may be taken
 * as a path stays in the workspace once resolved against `cwd` with every symlink followed,
 * also through folders that do not exist yet (`door/new/venv` with `door -> /elsewhere` is
 * refused: `python3 -m venv` makes the missing folders). Words that are not paths resolve
 * to harmless names inside. `~` is refused: pip and npm expand it to the home folder.
 */
export async function screenArguments(
  workspace: string,
  cwd: string,
  args: readonly string[],
): Promise<void> {
  for (const argument of args) {
    assertSafeArgument(argument);
    for (const candidate of pathCandidates(argument)) {
      if (candidate.startsWith('~')) {
        throw new PathOutsideWorkspaceError(candidate, workspace, 'the home folder');
      }
      await resolveInside(workspace, resolve(cwd, candidate));
    }
  }
}
