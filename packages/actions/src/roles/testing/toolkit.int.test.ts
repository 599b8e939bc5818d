import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Task } from '@codegod/protocol';
import { tempDir } from '@codegod/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { makeImportErrorTestsFixture, runPlanSteps } from '../../fixtures/index.js';
import { testingToolkit } from './toolkit.js';

const task: Task = { id: 'fix-tests', description: 'Tests fail', role: 'testing', depends_on: [] };

describe('testing toolkit', () => {
  const dirs: { remove: () => Promise<void> }[] = [];
  afterEach(async () => {
    await Promise.all(dirs.splice(0).map((d) => d.remove()));
  });
  const newDir = async () => {
    const dir = await tempDir('codegod-testing-');
    dirs.push(dir);
    return dir.path;
  };

  it('diagnoses the import error, repairs the test with plan steps, then validates', async () => {
    const fixture = await makeImportErrorTestsFixture(await newDir());
    const toolkit = testingToolkit();
    const context = { workspace: fixture.workspace };

    const observation = await toolkit.observe(task, context);
    expect(observation.test_command).toMatch(/-m (pytest|unittest)/);
    const before = await toolkit.validate(task, context);
    expect(before.valid).toBe(false);
    expect(before.output).toContain("No module named 'calculator'");

    const diagnosis = await runPlanSteps(toolkit, [{ action: 'run_tests', args: {} }], context);
    expect(diagnosis[0]).toMatchObject({ success: false, error: { code: 'tests-failed' } });
    const [debug] = await runPlanSteps(toolkit, [{ action: 'debug_error', args: {} }], context);
    expect(debug!.output).toContain('missing module calculator');
    expect((await toolkit.observe(task, context)).findings.join('\n')).toContain(
      'missing module calculator',
    );

    const outcomes = await runPlanSteps(
      toolkit,
      [
        { action: 'write_file', args: { path: fixture.testFile, content: fixture.fixedTest } },
        { action: 'check_syntax', args: {} },
        { action: 'run_tests', args: {} },
      ],
      context,
    );
    expect(outcomes.map((o) => [o.action, o.success])).toEqual([
      ['write_file', true],
      ['check_syntax', true],
      ['run_tests', true],
    ]);
    expect(outcomes[2]!.output).toMatch(/2 passed, 0 failed, 0 errors; exit 0/);
    expect(await toolkit.validate(task, context)).toMatchObject({ valid: true });
  });

  it('runs node --test suites and checks output and syntax', async () => {
    const workspace = await newDir();
    await writeFile(
      join(workspace, 'sum.test.js'),
      "const test = require('node:test')\nconst assert = require('node:assert')\ntest('sums', () => assert.equal(1 + 1, 2))\n",
    );
    await writeFile(join(workspace, 'broken.js'), 'function (\n');
    const toolkit = testingToolkit();
    const context = { workspace };
    expect((await toolkit.observe(task, context)).framework).toBe('node');
    const outcomes = await runPlanSteps(
      toolkit,
      [
        { action: 'run_tests', args: {} },
        {
          action: 'validate_output',
          args: { command: 'node', args: ['-p', '6 * 7'], contains: ['42'] },
        },
        { action: 'check_syntax', args: {} },
      ],
      context,
    );
    expect(outcomes.map((o) => o.success)).toEqual([true, true, false]);
    expect(outcomes[0]!.output).toContain('1 passed, 0 failed');
    expect(outcomes[2]).toMatchObject({ error: { code: 'syntax-error' } });
    expect(outcomes[2]!.output).toContain('broken.js');
    const [mismatch] = await runPlanSteps(
      toolkit,
      [
        {
          action: 'validate_output',
          args: { command: 'node', args: ['-p', '1'], exit_code: 0, contains: ['2'] },
        },
      ],
      context,
    );
    expect(mismatch).toMatchObject({ success: false, error: { code: 'output-mismatch' } });
  });
});
