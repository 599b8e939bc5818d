import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
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

describe('frontend load check, by the entry point’s module format', () => {
  const dirs: { remove: () => Promise<void> }[] = [];
  afterEach(async () => {
    await Promise.all(dirs.splice(0).map((d) => d.remove()));
  });

  /** A workspace of `files`; validate's outcome. The entries print how Node loaded them. */
  async function validateWith(files: Record<string, string>) {
    const dir = await tempDir('codegod-frontend-format-');
    dirs.push(dir);
    for (const [path, content] of Object.entries(files)) {
      await mkdir(join(dir.path, dirname(path)), { recursive: true });
      await writeFile(join(dir.path, path), content);
    }
    return frontendToolkit().validate(task, { workspace: dir.path });
  }
  const via = 'console.log(/ModuleJob/.test(new Error().stack) ? "via import" : "via require")\n';

  it('requires a CommonJS entry (no ES module loader), with the same outcome as before', async () => {
    const ok = await validateWith({
      'package.json': JSON.stringify({ name: 'a', main: 'src/index.js' }),
      'src/index.js': `${via}module.exports = require('./part.js')\n`,
      'src/part.js': 'module.exports = 1\n',
    });
    expect(ok.valid, ok.output).toBe(true);
    expect(ok.output).toContain('via require');
    expect(ok.output).toContain('loaded src/index.js');
    const cjs = await validateWith({
      'package.json': JSON.stringify({ name: 'a', type: 'module', main: 'index.cjs' }),
      'index.cjs': `${via}module.exports = {}\n`,
    });
    expect(cjs.output).toContain('via require');
    const broken = await validateWith({
      'package.json': JSON.stringify({ name: 'a' }),
      'index.js': "require('./missing.js')\n",
    });
    expect(broken.valid).toBe(false);
    expect(broken.output).toContain("Cannot find module './missing.js'");
  });

  it('imports an ES module entry: type module, .mjs, or the nearest package.json says so', async () => {
    // Top-level await: only import() loads it (require of an ES module refuses it).
    const esm =
      'await Promise.resolve()\nexport default 1\nconsole.log(import.meta.url ? "esm ok" : "")\n';
    const cases: Record<string, string>[] = [
      { 'package.json': JSON.stringify({ name: 'a', type: 'module' }), 'index.js': esm },
      { 'package.json': JSON.stringify({ name: 'a', main: 'app.mjs' }), 'app.mjs': esm },
      {
        'package.json': JSON.stringify({ name: 'a', main: 'web/index.js' }),
        'web/package.json': JSON.stringify({ type: 'module' }),
        'web/index.js': esm,
      },
    ];
    for (const files of cases) {
      const outcome = await validateWith(files);
      expect(outcome.valid, outcome.output).toBe(true);
      expect(outcome.output).toContain('esm ok');
    }
    // A malformed nested package.json is Node's to report, as before.
    const malformed = await validateWith({
      'package.json': JSON.stringify({ name: 'a', main: 'web/index.js' }),
      'web/package.json': '{ not json',
      'web/index.js': 'module.exports = 1\n',
    });
    expect(malformed.valid).toBe(false);
  });
});
