import { execFile } from 'node:child_process';
import { mkdirSync, symlinkSync } from 'node:fs';
import { lstat, mkdir, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import {
  minimalJsonValue,
  type ScriptedLlmServer,
  startScriptedLlmServer,
} from '@codegod/llm/testing';
import { runReportSchema } from '@codegod/protocol';
import { tempDir } from '@codegod/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);

interface ChatBody {
  response_format: { json_schema: { schema: unknown } };
}
const bin = join(import.meta.dirname, '..', 'dist', 'bin.js');

// The run's agents write in the workspace, so by the time the report is saved `.codegod` (or
// the report file) may be a link out of it. The real `codegod build` must not follow either.
describe('codegod build writes its report without following links out of the workspace', () => {
  let llm: ScriptedLlmServer;
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let plan: string;
  beforeAll(async () => {
    // Every agent call gets its schema's minimal reply and the master gives up: a short run.
    llm = await startScriptedLlmServer({
      rules: [
        { match: { phase: 'replan' }, reply: { analysis: 'give up', give_up: true, tasks: [] } },
      ],
    });
    dir = await tempDir('codegod-report-link-');
    plan = join(dir.path, 'plan.json');
    await writeFile(
      plan,
      JSON.stringify({
        tasks: [{ id: 'x', description: 'one thing', role: 'devops', depends_on: [] }],
      }),
    );
  });
  afterAll(async () => {
    await llm?.close();
    await dir?.remove();
  });

  async function build(workspace: string) {
    try {
      const { stdout, stderr } = await run(
        process.execPath,
        [bin, 'build', 'x', '-w', workspace, '--plan', plan, '--json'],
        {
          env: {
            PATH: process.env.PATH ?? '',
            HOME: process.env.HOME ?? '/tmp',
            VLLM_API_URL: llm.url,
            LLM_MODEL: 'scripted-model',
          },
          maxBuffer: 64 * 1024 * 1024,
        },
      );
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  }

  async function workspaceAndOutside(name: string) {
    const workspace = join(dir.path, name, 'workspace');
    const outside = join(dir.path, name, 'outside');
    await mkdir(workspace, { recursive: true });
    await mkdir(outside);
    return { workspace, outside };
  }

  it('.codegod -> outside: the report goes to a private temp folder, and says so', {
    timeout: 120_000,
  }, async () => {
    const { workspace, outside } = await workspaceAndOutside('dir-link');
    await symlink(outside, join(workspace, '.codegod'));
    const result = await build(workspace);
    expect(result.code, result.stderr).toBe(1);
    const report = runReportSchema.parse(JSON.parse(result.stdout));
    expect(await readdir(outside)).toEqual([]);
    const line = result.stderr.split('\n').find((l) => l.includes('is a symbolic link'));
    expect(line).toMatch(
      /^codegod: .*\.codegod is a symbolic link, so the run report was not written through it; it is at (\S+)\./,
    );
    const path = /it is at (\S+)\. /.exec(line ?? '')?.[1] ?? '';
    expect(path.startsWith(workspace)).toBe(false);
    expect(runReportSchema.parse(JSON.parse(await readFile(path, 'utf8')))).toEqual(report);
    await rm(dirname(path), { recursive: true });
  });

  it('.codegod/<run>.json -> outside, planted mid-run: the link is replaced, the target untouched', {
    timeout: 120_000,
  }, async () => {
    const { workspace, outside } = await workspaceAndOutside('file-link');
    const victim = join(outside, 'victim.json');
    await writeFile(victim, 'untouched');
    // The run id reaches the LLM server (header x-codegod-run): plant the link by that name
    // while the run is in flight, as anything writing in the workspace could.
    llm.setRules([
      {
        match: { phase: 'plan' },
        reply: (request) => {
          mkdirSync(join(workspace, '.codegod'), { recursive: true });
          symlinkSync(victim, join(workspace, '.codegod', `${request.runId}.json`));
          return minimalJsonValue((request.body as ChatBody).response_format.json_schema.schema);
        },
        times: 1,
      },
      { match: { phase: 'replan' }, reply: { analysis: 'give up', give_up: true, tasks: [] } },
    ]);
    const result = await build(workspace);
    expect(result.code, result.stderr).toBe(1);
    const report = runReportSchema.parse(JSON.parse(result.stdout));
    const file = join(workspace, '.codegod', `${report.run_id}.json`);
    expect(result.stderr).toContain(`report: ${file}`);
    expect((await lstat(file)).isFile()).toBe(true);
    expect(runReportSchema.parse(JSON.parse(await readFile(file, 'utf8')))).toEqual(report);
    expect(await readFile(victim, 'utf8')).toBe('untouched');
    expect(await readdir(outside)).toEqual(['victim.json']);
  });
});
