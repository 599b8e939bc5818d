import { mkdir, realpath, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tempDir } from '@codegod/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PathOutsideWorkspaceError } from '../errors/path-outside-workspace-error.js';
import { resolveInside } from './resolve-inside.js';

describe('resolveInside', () => {
  let root: { path: string; remove: () => Promise<void> };
  let workspace: string;
  let outside: string;
  beforeEach(async () => {
    root = await tempDir('codegod-resolve-');
    const base = await realpath(root.path);
    workspace = join(base, 'workspace');
    outside = join(base, 'outside');
    await mkdir(join(workspace, 'src'), { recursive: true });
    await mkdir(outside);
  });
  afterEach(() => root.remove());

  it('accepts paths inside, existing or not, and links that stay inside', async () => {
    expect(await resolveInside(workspace, 'src')).toBe(join(workspace, 'src'));
    expect(await resolveInside(workspace, 'new/deep/file.txt')).toBe(
      join(workspace, 'new/deep/file.txt'),
    );
    expect(await resolveInside(workspace, 'src/../x')).toBe(join(workspace, 'x'));
    expect(await resolveInside(workspace, join(workspace, 'src'))).toBe(join(workspace, 'src'));
    await symlink(join(workspace, 'src'), join(workspace, 'alias'));
    expect(await resolveInside(workspace, 'alias/a.py')).toBe(join(workspace, 'alias/a.py'));
  });

  it('resolves names that cannot exist by name: too long, or under a file', async () => {
    const long = 'x'.repeat(300);
    expect(await resolveInside(workspace, long)).toBe(join(workspace, long));
    expect(await resolveInside(workspace, `src/${long}/y`)).toBe(join(workspace, `src/${long}/y`));
    await writeFile(join(workspace, 'file.txt'), 'a file');
    expect(await resolveInside(workspace, 'file.txt/x')).toBe(join(workspace, 'file.txt/x'));
  });

  it('still follows the parent of a name too long to exist: a link out is refused', async () => {
    await symlink(outside, join(workspace, 'out-dir'));
    const error = await resolveInside(workspace, `out-dir/${'x'.repeat(300)}`).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PathOutsideWorkspaceError);
  });

  it.each([
    ['a .. escape', '../outside/x'],
    ['a deeper .. escape', 'src/../../outside'],
    ['an absolute path outside', '/etc/passwd'],
    ['a NUL byte', 'src/\0x'],
  ])('refuses %s', async (_name, path) => {
    await expect(resolveInside(workspace, path)).rejects.toThrowError(PathOutsideWorkspaceError);
  });

  it('refuses symlinks out: to a folder, in a parent, and dangling', async () => {
    await symlink(outside, join(workspace, 'out-dir'));
    await symlink(join(outside, 'not-yet'), join(workspace, 'dangling'));
    await symlink(join(workspace, 'dangling'), join(workspace, 'chain'));
    for (const path of ['out-dir', 'out-dir/file.txt', 'out-dir/new/deep', 'dangling', 'chain']) {
      const error = await resolveInside(workspace, path).catch((e: unknown) => e);
      expect(error, path).toBeInstanceOf(PathOutsideWorkspaceError);
      expect((error as Error).message).toContain('outside the workspace');
    }
  });

  it('allows a leaf link out only when asked (venv/bin/python)', async () => {
    await mkdir(join(workspace, 'venv/bin'), { recursive: true });
    await symlink(process.execPath, join(workspace, 'venv/bin/python'));
    await expect(resolveInside(workspace, 'venv/bin/python')).rejects.toThrowError(
      PathOutsideWorkspaceError,
    );
    expect(await resolveInside(workspace, 'venv/bin/python', { followLeaf: false })).toBe(
      join(workspace, 'venv/bin/python'),
    );
  });
});
