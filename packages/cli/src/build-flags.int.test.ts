import { execFile } from 'node:child_process';
import { access, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { tempDir } from '@codegod/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const bin = join(import.meta.dirname, '..', 'dist', 'bin.js');
/** Nothing listens here: an LLM or a Redis that is down. */
const DOWN_LLM = 'http://127.0.0.1:9/v1';

async function codegod(args: string[], env: Record<string, string> = {}) {
  const clean = { ...process.env, REDIS_URL: '', WORKSPACE_ROOT: '', VLLM_API_URL: '', ...env };
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], { env: clean });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

describe('codegod build: bad flags are one line naming the flag (built CLI, real process)', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  beforeAll(async () => {
    dir = await tempDir();
  });
  afterAll(() => dir.remove());

  it('prints its version', async () => {
    const result = await codegod(['--version']);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('reports an unknown flag as unknown, not as a missing --workspace', async () => {
    const result = await codegod(['build', 'x', '--frobnicate']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown option '--frobnicate'");
    expect(result.stderr).not.toMatch(/workspace/);
  });

  it('says a missing --workspace in one line', async () => {
    const result = await codegod(['build', 'x']);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual([
      'codegod: build needs -w, --workspace <dir>: the folder the agents work in',
    ]);
  });

  it('refuses a file as the workspace without a stack trace', async () => {
    const file = join(dir.path, 'a-file');
    await writeFile(file, 'x');
    const result = await codegod(['build', 'x', '-w', file, '--llm-url', DOWN_LLM]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^codegod: --workspace .*a-file is a file, not a folder/);
  });

  it('names both the flag and the variable for a bad --llm-url', async () => {
    const result = await codegod(['build', 'x', '-w', dir.path, '--llm-url', 'notaurl']);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(
      /llmBaseUrl \(flag --llm-url, environment variable VLLM_API_URL\): expected a URL.*"notaurl"/,
    );
  });

  it('creates no workspace folder when the LLM is unreachable', async () => {
    const workspace = join(dir.path, 'never-made');
    const result = await codegod(['build', 'x', '-w', workspace, '--llm-url', DOWN_LLM]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/Could not reach the LLM server/);
    expect(await exists(workspace)).toBe(false);
  });

  it('refuses a fleet workspace outside WORKSPACE_ROOT before contacting the fleet (exit 2)', async () => {
    const root = join(dir.path, 'root');
    const outside = join(dir.path, 'elsewhere');
    // REDIS_URL points at nothing: a refusal here proves nothing was submitted.
    const result = await codegod(['build', 'x', '-w', outside], {
      REDIS_URL: 'redis://127.0.0.1:9',
      WORKSPACE_ROOT: root,
    });
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain(`is outside WORKSPACE_ROOT ${root}`);
    expect(await exists(outside)).toBe(false);
  });
});
