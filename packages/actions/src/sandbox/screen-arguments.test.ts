import { mkdir, mkdtemp, realpath, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pathCandidates, screenArguments } from './screen-arguments.js';

describe('pathCandidates', () => {
  it('finds the parts of an argument a tool may read as a path', () => {
    expect(pathCandidates('venv')).toEqual(['venv']);
    expect(pathCandidates('--target=/x')).toEqual(['/x']);
    expect(pathCandidates('--target')).toEqual([]);
    expect(pathCandidates('-t/x')).toEqual(['/x']);
    expect(pathCandidates('-r/etc/passwd')).toEqual(['/etc/passwd']);
    expect(pathCandidates('-qt/x')).toEqual(['t/x', '/x']);
    expect(pathCandidates('-t../x')).toEqual(['../x']);
    expect(pathCandidates('-q')).toEqual([]);
    expect(pathCandidates('--')).toEqual([]);
  });
});

describe('screenArguments', () => {
  let root: string;
  let workspace: string;
  beforeEach(async () => {
    root = await realpath(await mkdtemp(join(tmpdir(), 'codegod-screen-')));
    workspace = join(root, 'workspace');
    await mkdir(join(workspace, 'src'), { recursive: true });
    await mkdir(join(root, 'outside'));
    await symlink(join(root, 'outside'), join(workspace, 'door'));
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  const outside = (args: string[], cwd = workspace) =>
    expect(screenArguments(workspace, cwd, args), args.join(' ')).rejects.toMatchObject({
      code: 'path-outside-workspace',
    });

  it('refuses attached short options, option values and relative paths that lead out', async () => {
    await outside(['install', '-t/tmp/x', 'flask']);
    await outside(['install', '-qt/tmp/x', 'flask']);
    await outside(['install', '-r/etc/passwd']);
    await outside(['install', '--target=../x']);
    await outside(['-m', 'venv', 'door/venv']);
    await outside(['-m', 'venv', '--prompt=x', 'door']);
    await outside(['-m', 'venv', './door/deeper/venv']);
    await outside(['~/x']);
    await outside(['../../x'], join(workspace, 'src'));
    await outside(['-t', '../../x'], join(workspace, 'src'));
  });

  it('lets code, names and paths inside through', async () => {
    await expect(
      screenArguments(workspace, workspace, [
        '-c',
        "print(open('/etc/hostname').read())",
        '-m',
        'venv',
        'venv',
        'src/app.py',
        '--target=lib',
        '-tlib',
        'https://example.com/x',
      ]),
    ).resolves.toBeUndefined();
  });

  it('lets code longer than a file name through (a word no file system could hold)', async () => {
    const script = `print(${JSON.stringify('x'.repeat(300))})`;
    await expect(screenArguments(workspace, workspace, ['-c', script])).resolves.toBeUndefined();
  });
});
