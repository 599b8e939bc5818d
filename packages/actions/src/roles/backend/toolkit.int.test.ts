import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Task } from '@codegod/protocol';
import { tempDir } from '@codegod/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FlaskAppFixture, makeFlaskAppFixture, runPlanSteps } from '../../fixtures/index.js';
import { backendToolkit } from './toolkit.js';

const task: Task = {
  id: 'fix-flask',
  description: 'Flask not found',
  role: 'backend',
  depends_on: [],
};

describe('backend toolkit on the "Flask not found" fixture', () => {
  let dir: { path: string; remove: () => Promise<void> };
  let fixture: FlaskAppFixture;

  beforeAll(async () => {
    dir = await tempDir('codegod-backend-');
    fixture = await makeFlaskAppFixture(dir.path);
  });
  afterAll(() => dir.remove());

  it('observes the missing requirement, repairs it with plan steps, then validates', async () => {
    const toolkit = backendToolkit({ env: { ...process.env, ...fixture.pipEnv } });
    const context = { workspace: fixture.workspace };

    const observation = await toolkit.observe(task, context);
    expect(observation.venv_exists).toBe(true);
    expect(observation.missing_requirements).toEqual(['flask']);
    expect(observation.python_version).toMatch(/^3\.\d+/);
    expect(observation.error_log).toBe("ModuleNotFoundError: No module named 'flask'");
    expect(observation.findings.join('\n')).toContain('flask is listed in requirements.txt');

    const before = await toolkit.validate(task, context);
    expect(before.valid).toBe(false);
    expect(before.output).toContain("No module named 'flask'");

    const outcomes = await runPlanSteps(
      toolkit,
      [
        { action: 'check_file_exists', args: { path: 'requirements.txt' } },
        { action: 'install_dependency', args: { requirements_file: 'requirements.txt' } },
        { action: 'run_command', args: { command: 'venv/bin/python', args: ['app.py'] } },
      ],
      context,
    );
    expect(outcomes.map((o) => [o.action, o.success])).toEqual([
      ['check_file_exists', true],
      ['install_dependency', true],
      ['run_command', true],
    ]);
    expect(outcomes[1]!.output).toContain('Successfully installed flask-3.0.0');
    expect(outcomes[2]!.output).toContain('hello');

    const after = await toolkit.validate(task, context);
    expect(after).toEqual({ valid: true, output: expect.stringContaining('import flask') });
    expect((await toolkit.observe(task, context)).installed_packages).toContain('flask==3.0.0');
  });

  it('pins and re-pins requirements without losing other lines', async () => {
    const toolkit = backendToolkit({ env: { ...process.env, ...fixture.pipEnv } });
    const context = { workspace: fixture.workspace };
    const outcomes = await runPlanSteps(
      toolkit,
      [
        { action: 'update_requirements', args: { add: ['requests>=2.0', 'Flask==3.0.0'] } },
        { action: 'update_requirements', args: { remove: ['requests'] } },
        { action: 'read_file', args: { path: 'requirements.txt' } },
      ],
      context,
    );
    expect(outcomes.every((o) => o.success)).toBe(true);
    expect(outcomes[2]!.output).toBe('Flask==3.0.0\n');
    expect(await readdir(join(fixture.workspace))).toContain('requirements.txt');
  });

  it('creates a venv through the allowlisted python3', async () => {
    const toolkit = backendToolkit();
    const outcomes = await runPlanSteps(
      toolkit,
      [{ action: 'create_venv', args: { path: '.venv' } }],
      { workspace: fixture.workspace },
    );
    expect(outcomes[0]).toMatchObject({ success: true });
    expect(await readdir(join(fixture.workspace, '.venv', 'bin'))).toContain('python');
  });
});
