import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '@codegod/testkit';
import { describe, expect, it } from 'vitest';
import type { Sandbox } from '../sandbox/sandbox.js';
import { toolVersion, venvPythonVersion } from './tool-versions.js';

describe('tool versions', () => {
  it('asks each tool once per process and sandbox kind, and forgets a failed ask', async () => {
    let runs = 0;
    let fail = true;
    const box = {
      kind: 'none',
      async run(tool: string) {
        runs += 1;
        if (fail) throw new Error('cancelled');
        return { stdout: `${tool} 1.2.3\n`, stderr: '' };
      },
    } as unknown as Sandbox;
    const tool = `tool-${Math.random()}`;
    await expect(toolVersion(box, tool, undefined)).rejects.toThrow('cancelled');
    fail = false;
    expect(await toolVersion(box, tool, undefined)).toBe(`${tool} 1.2.3`);
    expect(await toolVersion(box, tool, undefined)).toBe(`${tool} 1.2.3`);
    expect(runs).toBe(2);
  });

  it("reads a real venv's Python version from its pyvenv.cfg, as the interpreter states it", async () => {
    const dir = await tempDir('codegod-venv-version-');
    try {
      execFileSync('python3', ['-m', 'venv', '--without-pip', join(dir.path, 'venv')]);
      const cfg = readFileSync(join(dir.path, 'venv', 'pyvenv.cfg'), 'utf8');
      const stated = execFileSync(join(dir.path, 'venv', 'bin', 'python'), ['--version'], {
        encoding: 'utf8',
      });
      expect(venvPythonVersion(cfg)).toBe(stated.trim().replace(/^Python\s+/, ''));
    } finally {
      await dir.remove();
    }
  });
});
