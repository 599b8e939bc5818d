import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Task } from '@codegod/protocol';
import { tempDir } from '@codegod/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { makeNodeMainFixture, runPlanSteps } from '../../fixtures/index.js';
import { frontendToolkit } from './toolkit.js';

const task: Task = {
  id: 'fix-main',
  description: 'App does not start',
  role: 'frontend',
  depends_on: [],
};

describe('frontend toolkit on the wrong-main fixture', () => {
  const dirs: { remove: () => Promise<void> }[] = [];
  afterEach(async () => {
    await Promise.all(dirs.splice(0).map((d) => d.remove()));
  });

  it('observes, repairs with real npm, builds, then validates', async () => {
    const dir = await tempDir('codegod-frontend-');
    dirs.push(dir);
    const fixture = await makeNodeMainFixture(dir.path);
    const toolkit = frontendToolkit();
    const context = { workspace: fixture.workspace };

    const observation = await toolkit.observe(task, context);
    expect(observation).toMatchObject({
      entry_point: 'index.js',
      entry_point_exists: false,
      node_modules_exists: false,
      missing_dependencies: ['greeting'],
      scripts: { build: 'node scripts/build.js' },
    });
    expect((await toolkit.validate(task, context)).valid).toBe(false);

    const check = await runPlanSteps(toolkit, [{ action: 'check_entry_point', args: {} }], context);
    expect(check[0]).toMatchObject({ success: false, error: { code: 'entry-point-missing' } });
    expect(check[0]!.output).toContain('src/index.js');

    const outcomes = await runPlanSteps(
      toolkit,
      [
        { action: 'update_package_json', args: { main: fixture.realMain } },
        { action: 'npm_install', args: {} },
        { action: 'check_entry_point', args: {} },
        { action: 'build_frontend', args: {} },
      ],
      context,
    );
    expect(outcomes.map((o) => [o.action, o.success])).toEqual([
      ['update_package_json', true],
      ['npm_install', true],
      ['check_entry_point', true],
      ['build_frontend', true],
    ]);
    expect(outcomes[3]!.output).toContain('dist/: index.js');

    const validation = await toolkit.validate(task, context);
    expect(validation).toEqual({
      valid: true,
      output: expect.stringContaining('loaded src/index.js'),
    });
    expect(await readdir(join(fixture.workspace, 'node_modules'))).toContain('greeting');
  });

  it('reports a main that throws at load as invalid', async () => {
    const dir = await tempDir('codegod-frontend-');
    dirs.push(dir);
    const fixture = await makeNodeMainFixture(dir.path);
    const toolkit = frontendToolkit();
    const context = { workspace: fixture.workspace };
    await runPlanSteps(
      toolkit,
      [
        {
          action: 'update_package_json',
          args: { main: 'src/index.js', dependencies: {}, remove_dependencies: ['greeting'] },
        },
      ],
      context,
    );
    const validation = await toolkit.validate(task, context);
    expect(validation.valid).toBe(false);
    expect(validation.output).toContain("Cannot find module 'greeting'");
  });

  it('installs a real registry dependency (is-number) with real npm', async () => {
    const dir = await tempDir('codegod-frontend-');
    dirs.push(dir);
    const fixture = await makeNodeMainFixture(dir.path, {
      registryDependency: { name: 'is-number', range: '^7.0.0' },
    });
    const toolkit = frontendToolkit();
    const context = { workspace: fixture.workspace };
    const outcomes = await runPlanSteps(
      toolkit,
      [
        { action: 'update_package_json', args: { main: fixture.realMain } },
        { action: 'npm_install', args: {} },
      ],
      context,
    );
    expect(outcomes.map((o) => o.success)).toEqual([true, true]);
    expect(await toolkit.validate(task, context)).toMatchObject({ valid: true });
  });
});
