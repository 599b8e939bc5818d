import { execFile } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type ScriptedLlmServer, startScriptedLlmServer } from '@codegod/llm/testing';
import { runReportSchema } from '@codegod/protocol';
import { tempDir } from '@codegod/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const bin = join(import.meta.dirname, '..', 'dist', 'bin.js');

describe('codegod build when the decomposition fails (built CLI, scripted LLM server)', () => {
  let server: ScriptedLlmServer;
  let dir: Awaited<ReturnType<typeof tempDir>>;
  beforeAll(async () => {
    server = await startScriptedLlmServer();
    dir = await tempDir();
  });
  afterAll(async () => {
    await server.close();
    await dir.remove();
  });

  it('retries a 500 three times, then prints and writes a failed report with --json (exit 2)', async () => {
    server.setRules([{ match: { phase: 'decompose' }, fault: 'http-500' }]);
    const workspace = join(dir.path, 'ws');
    const before = server.requests.length;
    const result = await run(
      process.execPath,
      [bin, 'build', 'a problem', '-w', workspace, '--json', '--sandbox', 'none'],
      {
        env: {
          ...process.env,
          REDIS_URL: '',
          VLLM_API_URL: server.url,
          LLM_MODEL: 'scripted-model',
          CODEGOD_MASTER_LLM_BACKOFF_MS: '1',
        },
      },
    ).catch((error: { code: number; stdout: string; stderr: string }) => error);
    expect('code' in result && result.code, result.stderr).toBe(2);
    expect(server.requests.length - before).toBe(3);
    const report = runReportSchema.parse(JSON.parse(result.stdout));
    expect(report).toMatchObject({ state: 'failed', tasks: [], workspace });
    expect(report.reason).toMatch(/HTTP 500: .*gave up after 3 calls; CODEGOD_MASTER_LLM_ATTEMPTS/);
    expect(report.reason.match(/500/g)).toHaveLength(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines.filter((l) => l.includes('calling again'))).toHaveLength(2);
    expect(lines.at(-2)).toBe(`codegod: ${report.reason}`);
    expect(lines.at(-1)).toMatch(/^ {2}report: /);
    expect(await readdir(join(workspace, '.codegod'))).toContain(`${report.run_id}.json`);
  });
});
