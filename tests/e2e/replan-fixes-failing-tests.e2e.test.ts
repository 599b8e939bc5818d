import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  type ImportErrorTestsFixture,
  makeImportErrorTestsFixture,
} from '@codegod/actions/fixtures';
import { decompositionReply, replanReply, taskRules } from '@codegod/agents/testing';
import { type ScriptedLlmServer, startScriptedLlmServer } from '@codegod/llm/testing';
import { runReportSchema } from '@codegod/protocol';
import { tempDir } from '@codegod/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChildProcesses, childEnvironment, runCodegod } from './support/child-processes.js';

const run = promisify(execFile);

// A testing task that cannot pass on its own (the tests import a module that moved) fails,
// the master's replan adds a backend remediation task, and the retried testing task passes.
describe('e2e: a failing testing task repaired by a replan, embedded CLI', () => {
  const children = new ChildProcesses();
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let fixture: ImportErrorTestsFixture;
  let llm: ScriptedLlmServer;

  beforeAll(async () => {
    dir = await tempDir('codegod-e2e-replan-');
    fixture = await makeImportErrorTestsFixture(dir.path);
    llm = await startScriptedLlmServer({
      rules: [
        {
          match: { role: 'master', phase: 'decompose' },
          reply: decompositionReply([
            {
              id: 'run-tests',
              description: 'Run the test suite and make it pass',
              role: 'testing',
              depends_on: [],
              acceptance: [
                {
                  type: 'command',
                  argv: ['python3', '-m', 'unittest', 'discover'],
                  stderr_regex: '^Ran 2 tests',
                },
              ],
            },
          ]),
        },
        // The testing agent only ever runs the tests: it passes once the workspace is fixed.
        ...taskRules('testing', 'run-tests', [{ action: 'run_tests', args: {} }]),
        {
          match: { role: 'master', phase: 'replan', contains: "No module named 'calculator'" },
          times: 1,
          reply: replanReply('calculator moved to src/; the tests must import src.calculator', [
            {
              id: 'fix-test-imports',
              description: 'Point the tests at src.calculator, in a venv of their own',
              role: 'backend',
              depends_on: [],
              acceptance: [
                { type: 'file', path: fixture.testFile, content_regex: 'src\\.calculator' },
                { type: 'command', argv: ['venv/bin/python', '-c', 'import sys'] },
              ],
            },
          ]),
        },
        ...taskRules('backend', 'fix-test-imports', [
          { action: 'create_venv', args: { path: 'venv' } },
          { action: 'write_file', args: { path: fixture.testFile, content: fixture.fixedTest } },
        ]),
      ],
    });
  }, 60_000);

  afterAll(async () => {
    await children.stopAll();
    await llm?.close();
    await dir?.remove();
  });

  it('replans once, runs the remediation, retries the failed task and succeeds', {
    timeout: 240_000,
  }, async () => {
    const result = await runCodegod(
      children,
      ['build', 'Make the tests pass', '-w', fixture.workspace, '--max-replans', '1', '--json'],
      childEnvironment({ VLLM_API_URL: llm.url, LLM_MODEL: 'scripted-model' }),
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('replanning (round 1)');
    // The progress lines show the task queued twice, the retry as a fresh row.
    expect(result.stderr.match(/\] run-tests \(testing\) queued$/gm)).toHaveLength(2);
    const report = runReportSchema.parse(JSON.parse(result.stdout));
    expect(report.state).toBe('succeeded');
    expect(report.replan_rounds).toBe(1);
    const fix = report.tasks.find((t) => t.id === 'fix-test-imports');
    expect(fix).toMatchObject({ role: 'backend', state: 'succeeded' });
    expect(fix?.validation?.valid).toBe(true);
    expect(fix?.actions_taken.map((a) => [a.action, a.success])).toEqual([
      ['create_venv', true],
      ['write_file', true],
    ]);
    const retried = report.tasks.find((t) => t.id === 'run-tests');
    expect(retried).toMatchObject({ role: 'testing', state: 'succeeded' });
    expect(retried?.depends_on).toContain('fix-test-imports');
    expect(retried?.validation?.valid).toBe(true);
    expect(retried?.validation?.output).toMatch(/2 passed, 0 failed, 0 errors; exit 0/);
    // Both tasks proved their goal: the retried suite's own check and the fix's.
    expect(retried?.proof).toBe('verified');
    expect(fix?.proof).toBe('verified');
    expect(report.proof.summary).toBe('verified by 3 checks');
    // The remediation ran before the retry.
    expect(retried?.started_at ?? 0).toBeGreaterThanOrEqual(fix?.ended_at ?? Infinity);

    // The master was asked exactly once, and was shown why the task failed.
    const replans = llm.requests.filter((r) => r.phase === 'replan');
    expect(replans).toHaveLength(1);
    expect(replans[0]?.messages.some((m) => m.content.includes('run-tests'))).toBe(true);
    // Independently of codegod: the suite passes.
    const tests = await run('python3', ['-m', 'unittest', 'discover'], {
      cwd: fixture.workspace,
    });
    expect(tests.stderr).toMatch(/Ran 2 tests[\s\S]*OK/);
  });
});
