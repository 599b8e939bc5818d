import { realpathSync } from 'node:fs';
import { symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '@codegod/protocol';
import { tempDir } from '@codegod/testkit';
import { describe, expect, it } from 'vitest';
import { PathOutsideWorkspaceError } from '../errors/path-outside-workspace-error.js';
import { sandboxMaker } from './sandbox.js';

describe('sandboxMaker', () => {
  const env = { PATH: process.env.PATH, API_TOKEN: 'maker-secret-value' };

  it('checks every workspace it is given and redacts with the env read once', async () => {
    const make = sandboxMaker({ allowlist: ['node'], env, sandbox: 'none' });
    const first = await tempDir('maker-');
    const second = await tempDir('maker-');
    try {
      const boxes = [make(first.path), make(second.path)];
      expect(boxes.map((box) => box.workspace)).toEqual([
        realpathSync(first.path),
        realpathSync(second.path),
      ]);
      expect(() => make('/no/such/workspace')).toThrowError(ConfigError);
      expect(() => make('relative')).toThrowError(ConfigError);
      const result = await boxes[1]!.run(
        'node',
        ['-e', 'console.log(process.env.API_TOKEN ?? "unset")'],
        {
          trustedArguments: true,
        },
      );
      // The secret-named variable is not passed to commands, and its value is hidden in output.
      expect(result.stdout.trim()).toBe('unset');
      expect(boxes[0]!.redact('token maker-secret-value here')).toBe('token [redacted] here');
    } finally {
      await first.remove();
      await second.remove();
    }
  });

  it('says whether a name exists, and still refuses a link out of the workspace', async () => {
    const workspace = await tempDir('maker-');
    try {
      const box = sandboxMaker({ allowlist: [], env: {}, sandbox: 'none' })(workspace.path);
      await writeFile(join(workspace.path, 'Dockerfile'), 'FROM x\n');
      await symlink('/etc/codegod-no-such-file', join(workspace.path, 'out'));
      expect(await box.exists('Dockerfile')).toBe(true);
      expect(await box.exists('compose.yaml')).toBe(false);
      expect(await box.exists('sub/compose.yaml')).toBe(false);
      await expect(box.exists('out')).rejects.toThrowError(PathOutsideWorkspaceError);
      await expect(box.exists('../x')).rejects.toThrowError(PathOutsideWorkspaceError);
    } finally {
      await workspace.remove();
    }
  });
});
