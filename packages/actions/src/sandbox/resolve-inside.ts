import { readlinkSync, realpathSync } from 'node:fs';
import { basename, dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { PathOutsideWorkspaceError } from '../errors/path-outside-workspace-error.js';
import { lstatOrNothing } from '../shared/fs-lookups.js';

/** Symlink hops followed before a chain counts as a loop. Linux stops at 40 too. */
const MAX_LINK_HOPS = 40;

/** True when `path` is `root` or below it (both absolute and normalised). */
export function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/**
 * Errors of `realpath` that say the path, as named, is not there: missing, a name longer than
 * the file system allows (a `-c` script is a word, not a file), or a step through a file.
 * Such a path is followed by hand from its deepest parent that exists.
 */
const NOT_THERE = new Set(['ENOENT', 'ENAMETOOLONG', 'ENOTDIR']);

/**
 * Where `path` really points, following every symlink, also dangling ones and those in
 * not-yet-existing tails. fs.realpath alone fails on a dangling link, and a write through
 * a dangling link `out -> /etc/x` would land outside, so the link target is followed by hand.
 *
 * The calls are synchronous: each is a metadata lookup of a few microseconds in the
 * workspace's folders, where the thread pool's hand-off to and from a worker thread costs far
 * more (issue 15: every sandbox file operation and every screened argument comes here). With
 * these and the sandbox's small reads synchronous, an embedded devops task took 0.57-0.69 of
 * the wall time and 0.65-0.77 of the CPU it took before (scripts/bench/per-task.ts, three
 * rounds alternating with a worktree of the base).
 */
export async function realTarget(path: string, hops = 0): Promise<string> {
  if (hops > MAX_LINK_HOPS) throw new Error(`too many symlinks at ${path}`);
  try {
    return realpathSync.native(path);
  } catch (error) {
    if (!NOT_THERE.has((error as NodeJS.ErrnoException).code ?? '')) throw error;
  }
  if (lstatOrNothing(path)?.isSymbolicLink()) {
    const target = resolve(dirname(path), readlinkSync(path));
    return realTarget(target, hops + 1);
  }
  const parent = dirname(path);
  if (parent === path) return path;
  return resolve(await realTarget(parent, hops), basename(path));
}

/**
 * Resolves `path` (relative to `workspace`, or absolute) and proves it stays inside the
 * workspace both by name and after following symlinks. `workspace` must already be real.
 * With `followLeaf: false` the last component may itself be a symlink pointing anywhere
 * (a venv's `bin/python` links to the system interpreter); only its directory is checked.
 */
export async function resolveInside(
  workspace: string,
  path: string,
  options: { followLeaf?: boolean } = {},
): Promise<string> {
  if (path.includes('\0')) {
    throw new PathOutsideWorkspaceError(path.replaceAll('\0', '\\0'), workspace, '(a NUL byte)');
  }
  const lexical = resolve(workspace, path);
  if (!isInside(workspace, lexical)) throw new PathOutsideWorkspaceError(path, workspace, lexical);
  const followLeaf = options.followLeaf ?? true;
  const real = followLeaf
    ? await realTarget(lexical)
    : resolve(await realTarget(dirname(lexical)), basename(lexical));
  if (!isInside(workspace, real)) throw new PathOutsideWorkspaceError(path, workspace, real);
  return lexical;
}
