import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tempDir } from '@codegod/testkit';
import { describe, expect, it } from 'vitest';
import { readFileAction } from './common-actions.js';
import { sandboxFactory } from './sandbox-for.js';

describe('read_file', () => {
  it('redacts the values of secret-named variables (a workspace .env)', async () => {
    const dir = await tempDir('codegod-read-file-');
    try {
      await writeFile(join(dir.path, '.env'), 'MY_API_KEY=sk-secret-123456\nPORT=8080\n');
      const action = readFileAction(
        sandboxFactory(['python3'], { env: { MY_API_KEY: 'sk-secret-123456', PATH: '/usr/bin' } }),
      );
      const outcome = await action.run({ path: '.env' }, { workspace: dir.path });
      expect(JSON.stringify(outcome)).not.toContain('sk-secret-123456');
      expect(JSON.stringify(outcome)).toContain('MY_API_KEY=[redacted]');
      expect(JSON.stringify(outcome)).toContain('PORT=8080');
    } finally {
      await dir.remove();
    }
  });
});
