import { lstat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
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
  const tails = new Set<string>();
  if (argument.length > 2) tails.add(argument.slice(2));
  for (let i = 2; i < argument.length; i++) {
    if ('/~.='.includes(argument[i]!)) tails.add(argument.slice(argument[i] === '=' ? i + 1 : i));
  }
  return [...tails].filter((tail) => tail !== '');
}

/** Absolute, home-relative, or with a `..` segment: a path whatever the directory looks like. */
function pathLike(value: string): boolean {
  return value.startsWith('/') || value.startsWith('~') || value.split(/[\\/]/).includes('..');
}

async function exists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    () => false,
  );
}

/**
 * Checks one command's arguments: no shell metacharacters, and every part that may be taken
 * as a path stays in the workspace. Path-like parts must resolve inside; any other part that
 * names an existing path, or a new one in an existing folder, must resolve inside after
 * following symlinks (`door/venv` with `door -> /elsewhere` is refused). `~` is refused: pip
 * and npm expand it to the home folder.
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
      const absolute = resolve(cwd, candidate);
      if (pathLike(candidate) || (await exists(absolute)) || (await exists(dirname(absolute)))) {
        await resolveInside(workspace, absolute);
      }
    }
  }
}
