import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startScriptedLlmServer } from '@codegod/llm/testing';
import { tempDir } from '@codegod/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const bin = join(import.meta.dirname, '..', 'dist', 'bin.js');

/** Runs the built CLI with exactly `env` (plus PATH and HOME). */
async function codegod(args: string[], env: Record<string, string>) {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

// `codegod build --ui` refuses what it cannot serve with one line and exit 2, before any run.
describe('codegod build --ui (built CLI, real process)', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let taken: Server;
  beforeAll(async () => {
    dir = await tempDir();
    taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => taken.close(() => resolve()));
    await dir.remove();
  });

  const oneLine = (stderr: string) => stderr.trim().split('\n');

  it('names DASHBOARD_PORT for a bad port, and DASHBOARD_HOST for an exposed one', async () => {
    const workspace = join(dir.path, 'ws');
    const port = await codegod(['build', 'x', '-w', workspace, '--ui'], {
      DASHBOARD_PORT: 'eighty',
    });
    expect(port.code).toBe(2);
    expect(oneLine(port.stderr)).toHaveLength(1);
    expect(port.stderr).toMatch(/DASHBOARD_PORT/);
    const host = await codegod(['build', 'x', '-w', workspace, '--ui'], {
      DASHBOARD_HOST: '0.0.0.0',
    });
    expect(host.code).toBe(2);
    expect(host.stderr).toMatch(/DASHBOARD_HOST.*DASHBOARD_USER and DASHBOARD_PASSWORD/);
  });

  it('refuses --ui-keep without --ui, and --ui on the fleet', async () => {
    const workspace = join(dir.path, 'ws');
    const keep = await codegod(['build', 'x', '-w', workspace, '--ui-keep', '5'], {});
    expect(keep.code).toBe(2);
    expect(keep.stderr).toMatch(/--ui-keep needs --ui/);
    const fleet = await codegod(['build', 'x', '-w', workspace, '--ui'], {
      REDIS_URL: 'redis://127.0.0.1:1',
    });
    expect(fleet.code).toBe(2);
    expect(oneLine(fleet.stderr)).toHaveLength(1);
    expect(fleet.stderr).toMatch(/--ui .*master/);
  });

  it('says which port is taken, in one line', { timeout: 60_000 }, async () => {
    const llm = await startScriptedLlmServer({ rules: [] });
    try {
      const busy = (taken.address() as AddressInfo).port;
      const result = await codegod(
        ['build', 'x', '-w', join(dir.path, 'ws'), '--ui', '--sandbox', 'none'],
        { DASHBOARD_PORT: String(busy), VLLM_API_URL: llm.url, LLM_MODEL: 'scripted-model' },
      );
      expect(result.code).toBe(2);
      const lines = oneLine(result.stderr).filter((line) => !line.includes('warning'));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`127\\.0\\.0\\.1:${busy}.*EADDRINUSE.*DASHBOARD_PORT`));
    } finally {
      await llm.close();
    }
  });
});
