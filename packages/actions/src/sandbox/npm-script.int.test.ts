import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { tempDir } from '@codegod/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CommandRunner } from './command-runner.js';
import { createCommandRunner } from './create-command-runner.js';
import { createDirectRunner } from './runners/direct-runner.js';
import { createSandbox, type Sandbox } from './sandbox.js';

/** The `none` runner (real processes), recording the executable of each command it runs. */
function recordingRunner() {
  const inner = createDirectRunner();
  const runner: CommandRunner & { files: string[] } = {
    kind: inner.kind,
    files: [],
    start: (spec) => inner.start(spec),
    run(spec) {
      runner.files.push(spec.file);
      return inner.run(spec);
    },
  };
  return runner;
}

// Each script appends its event to order.txt, so what ran, and in which order, shows.
const step = (event: string, exit = 0) =>
  `echo ${event}: $npm_lifecycle_event $npm_package_name; printf ${event}, >> order.txt; exit ${exit}`;

describe('npm scripts run without npm when npm would run them as they stand', () => {
  let workspace: Awaited<ReturnType<typeof tempDir>>;
  let runner: ReturnType<typeof recordingRunner>;
  let box: Sandbox;
  let env: Record<string, string>;
  beforeEach(async () => {
    workspace = await tempDir('codegod-npm-script-');
    await mkdir(join(workspace.path, 'home'));
    runner = recordingRunner();
    env = { PATH: process.env.PATH ?? '', HOME: join(workspace.path, 'home') };
    box = createSandbox({ workspace: workspace.path, allowlist: ['npm'], runner, env });
  });
  afterEach(async () => {
    await workspace.remove();
  });
  const writePackage = (pkg: object) =>
    writeFile(join(workspace.path, 'package.json'), JSON.stringify(pkg));
  const order = async () => ((await box.exists('order.txt')) ? box.readFile('order.txt') : '');
  /** What real npm prints and exits with for `args` in the workspace. */
  async function realNpm(args: string[]) {
    return promisify(execFile)('npm', args, { cwd: workspace.path, env }).then(
      ({ stdout }) => ({ stdout, exitCode: 0 }),
      (error: { stdout: string; code: number }) => ({ stdout: error.stdout, exitCode: error.code }),
    );
  }

  it('runs pretest, test and posttest in order, printing what npm prints', async () => {
    await writePackage({
      name: 'demo',
      version: '1.2.3',
      scripts: { pretest: step('pre'), test: step('test'), posttest: step('post') },
    });
    const result = await box.run('npm', ['test']);
    expect(runner.files).toEqual(['sh']);
    expect(result.commandLine).toBe('npm test');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('test: test demo\n');
    expect(await order()).toBe('pre,test,post,');
    await writeFile(join(workspace.path, 'order.txt'), '');
    const npm = await realNpm(['test']);
    expect(result.stdout).toBe(npm.stdout);
  });

  it('stops at the first failing script with its exit code, as npm does', async () => {
    await writePackage({
      name: 'demo',
      scripts: { prelint: step('pre'), lint: step('lint', 3), postlint: step('post') },
    });
    const result = await box.runCheckCommand(['npm', 'run', 'lint']);
    expect(runner.files).toEqual(['sh']);
    expect(result.exitCode).toBe(3);
    expect(await order()).toBe('pre,lint,');
    await writeFile(join(workspace.path, 'order.txt'), '');
    const npm = await realNpm(['run', 'lint']);
    expect(npm.exitCode).toBe(3);
    expect(result.stdout).toBe(npm.stdout);
  });

  it('finds binaries in node_modules/.bin as npm does', async () => {
    await mkdir(join(workspace.path, 'node_modules/.bin'), { recursive: true });
    const tool = join(workspace.path, 'node_modules/.bin/say-hi');
    await writeFile(tool, '#!/bin/sh\necho hi from the bin\n', { mode: 0o755 });
    await writePackage({ scripts: { test: 'say-hi' } });
    const result = await box.run('npm', ['test']);
    expect(runner.files).toEqual(['sh']);
    expect(result).toMatchObject({ exitCode: 0 });
    expect(result.stdout).toContain('hi from the bin');
  });

  it.each([
    ['extra arguments', { scripts: { test: 'true' } }, ['test', '--', '--watch'], undefined],
    ['workspaces', { workspaces: ['a'], scripts: { test: 'true' } }, ['test'], undefined],
    ['a missing script', { scripts: {} }, ['run', 'build'], undefined],
    ['a project npmrc', { scripts: { test: 'true' } }, ['test'], 'script-shell=/bin/bash\n'],
  ])('runs real npm for %s', async (_case, pkg, args, npmrc) => {
    await writePackage(pkg);
    if (npmrc) await writeFile(join(workspace.path, '.npmrc'), npmrc);
    const result = await box.runCheckCommand(['npm', ...args]);
    expect(runner.files).toEqual(['npm']);
    if (_case === 'a missing script') expect(result.exitCode).not.toBe(0);
  });

  it('runs real npm when an npm_config_ variable could change the run', async () => {
    await writePackage({ scripts: { test: 'true' } });
    const configured = createSandbox({
      workspace: workspace.path,
      allowlist: ['npm'],
      runner,
      env: { ...env, npm_config_ignore_scripts: 'true' },
    });
    await configured.run('npm', ['test']);
    expect(runner.files).toEqual(['npm']);
  });

  it('runs the script under bubblewrap the same way, writes only inside the workspace', async () => {
    const outside = `codegod-npm-escape-${randomUUID()}`;
    await writePackage({
      name: 'demo',
      version: '1.0.0',
      scripts: {
        pretest: step('pre'),
        test: `${step('test')}; touch "$INIT_CWD/../${outside}"; true`,
      },
    });
    const inner = createCommandRunner({ sandbox: 'bubblewrap' });
    expect(inner.kind).toBe('bubblewrap');
    const files: string[] = [];
    const confined = createSandbox({
      workspace: workspace.path,
      allowlist: ['npm'],
      env,
      runner: {
        kind: inner.kind,
        start: (spec) => inner.start(spec),
        run(spec) {
          files.push(spec.file);
          return inner.run(spec);
        },
      },
    });
    const result = await confined.runCheckCommand(['npm', 'test']);
    expect(files).toEqual(['sh']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('test: test demo\n');
    expect(await order()).toBe('pre,test,');
    expect(existsSync(join(dirname(workspace.path), outside))).toBe(false);
  });
});
