import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type FlaskAppFixture, makeFlaskAppFixture } from '@codegod/actions/fixtures';
import { type ScriptedLlmServer, startScriptedLlmServer } from '@codegod/llm/testing';
import { runReportSchema } from '@codegod/protocol';
import { tempDir } from '@codegod/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChildProcesses, childEnvironment, runCodegod } from './support/child-processes.js';
import { flaskNotFoundRules } from './support/flask-not-found-rules.js';

const run = promisify(execFile);

// "Flask not found" through the real `codegod build` process, embedded (no Redis): the
// scripted LLM decomposes into one backend task whose plan installs requirements.txt.
describe('e2e: "Flask not found", embedded CLI', () => {
  const children = new ChildProcesses();
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let fixture: FlaskAppFixture;
  let llm: ScriptedLlmServer;

  beforeAll(async () => {
    dir = await tempDir('codegod-e2e-flask-embedded-');
    fixture = await makeFlaskAppFixture(dir.path);
    llm = await startScriptedLlmServer({
      rules: flaskNotFoundRules(),
    });
  });

  afterAll(async () => {
    await children.stopAll();
    await llm?.close();
    await dir?.remove();
  });

  it('repairs the workspace and reports the validated task', { timeout: 180_000 }, async () => {
    const result = await runCodegod(
      children,
      [
        'build',
        'Flask not found',
        '--workspace',
        fixture.workspace,
        '--check',
        "venv/bin/python -c 'import flask'",
        '--require-verified',
        '--json',
      ],
      childEnvironment({
        ...fixture.pipEnv,
        VLLM_API_URL: llm.url,
        LLM_MODEL: 'scripted-model',
      }),
    );
    expect(result.code, result.stderr).toBe(0);
    const report = runReportSchema.parse(JSON.parse(result.stdout));
    expect(report.state).toBe('succeeded');
    expect(report.tasks).toHaveLength(1);
    const [task] = report.tasks;
    expect(task).toMatchObject({ id: 'install-flask', role: 'backend', state: 'succeeded' });
    expect(task?.validation?.valid).toBe(true);
    expect(task?.validation?.output).toContain('venv/bin/python -c import flask\n-> exit 0');
    expect(task?.proof).toBe('verified');
    expect(task?.validation?.checks.map((c) => [c.ran, c.passed, c.exit_code])).toEqual([
      ["venv/bin/python -c 'import flask, app'", true, 0],
    ]);
    expect(report.proof).toMatchObject({ summary: 'verified by 2 checks', unverified_tasks: [] });
    expect(report.proof.run_checks.map((c) => [c.ran, c.passed])).toEqual([
      [`sh -c 'venv/bin/python -c '\\''import flask'\\'''`, true],
    ]);
    // The CLI says how success was proven, check by check.
    expect(result.stderr).toContain(`run ${report.run_id} succeeded: verified by 2 checks`);
    expect(result.stderr).toMatch(
      /install-flask +pass {2}venv\/bin\/python -c 'import flask, app': exit 0/,
    );
    expect(result.stderr).toMatch(/\(run\) +pass {2}sh -c/);
    expect(task?.actions_taken.map((a) => [a.action, a.success])).toEqual([
      ['install_dependency', true],
    ]);
    // Confined by default (auto picks bubblewrap here), and the report says so.
    expect(report.sandbox).toEqual(['bubblewrap']);
    expect(task?.sandbox).toBe('bubblewrap');
    // The report on disk is the one printed.
    const file = join(fixture.workspace, '.codegod', `${report.run_id}.json`);
    expect(runReportSchema.parse(JSON.parse(await readFile(file, 'utf8')))).toEqual(report);
    // Independently of codegod: flask now imports in the workspace's venv.
    await expect(
      run(join(fixture.workspace, 'venv', 'bin', 'python'), ['-c', 'import flask']),
    ).resolves.toBeDefined();
    // The scripted LLM saw one decomposition, then the backend agent's reason and plan.
    const phases = llm.requests.map((r) => `${r.role}/${r.phase}`);
    expect(phases[0]).toBe('master/decompose');
    expect(phases).toContain('backend/plan');
  });
});
