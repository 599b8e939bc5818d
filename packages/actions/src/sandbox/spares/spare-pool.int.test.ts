import { execFile } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { tempDir } from '@codegod/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandRunner } from '../command-runner.js';
import { createCommandRunner } from '../create-command-runner.js';
import { createSandbox, type Sandbox } from '../sandbox.js';

// Spare interpreters under real bubblewrap: a spare's result is a fresh run's, byte for byte,
// it is used once, only while its executable is unchanged, dies when disposed, and a job that
// hangs in it is killed by its own timeout.

const run = promisify(execFile);

/** The bubblewrap runner, counting the commands it spawns and the spares it starts. */
function countingRunner() {
  const inner = createCommandRunner({ sandbox: 'bubblewrap' });
  const runner: CommandRunner & { spawned: number; spares: number } = {
    kind: inner.kind,
    spawned: 0,
    spares: 0,
    start: (spec) => inner.start(spec),
    run(spec) {
      runner.spawned += 1;
      return inner.run(spec);
    },
    startPaused(spec, maxWaitMs) {
      runner.spares += 1;
      return inner.startPaused!(spec, maxWaitMs);
    },
  };
  return runner;
}

/** Whether a process with this pid exists. */
function alive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const TESTS_PASS =
  'import unittest\n\nclass T(unittest.TestCase):\n    def test_ok(self):\n        self.assertEqual(1, 1)\n';
const TESTS_FAIL =
  'import unittest\n\nclass T(unittest.TestCase):\n    def test_bad(self):\n        self.assertEqual(1, 2)\n';

describe('spare interpreters (bubblewrap)', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let workspace: string;
  let runner: ReturnType<typeof countingRunner>;
  let box: Sandbox;

  beforeAll(async () => {
    dir = await tempDir('codegod-spares-');
    workspace = dir.path;
    await run('python3', ['-m', 'venv', '--without-pip', 'venv'], { cwd: workspace });
    await writeFile(join(workspace, 'index.js'), "module.exports = 'hello';\n");
    await writeFile(join(workspace, 'broken.js'), 'module.exports = ;\n');
    await writeFile(join(workspace, 'greet.py'), "print('hello from greet')\n");
  }, 60_000);
  afterAll(async () => {
    await dir.remove();
  });

  const makeBox = () => {
    runner = countingRunner();
    box = createSandbox({ workspace, allowlist: ['node', 'venv/bin/python'], runner });
  };
  // Trusted: the scripts need characters argument screening refuses.
  const options = { trustedArguments: true };

  /** A fresh run, then the same command in a spare: both results, and whether it spawned. */
  async function freshThenSpare(command: string, args: string[]) {
    makeBox();
    const fresh = await box.run(command, args, options);
    const spare = await box.warm(command, args, options);
    expect(spare?.pid).toBeDefined();
    const spawnedBefore = runner.spawned;
    const warm = await box.run(command, args, options);
    const spawned = runner.spawned - spawnedBefore;
    await spare?.dispose();
    return { fresh, warm, spawned };
  }

  const cases: [string, string, string[]][] = [
    ['node -e, passing', 'node', ['-e', "console.log(require('./'), process.argv.length)", 'x']],
    ['node -e, an uncaught error', 'node', ['-e', "require('./broken.js')"]],
    [
      'node -e, a stack and an exit code',
      'node',
      ['-e', "console.log(new Error('s').stack); process.exitCode = 3"],
    ],
    [
      'python -c, passing',
      'venv/bin/python',
      ['-c', 'import sys; print(sys.argv, sys.flags.no_site, sys.path[0] == "")'],
    ],
    ['python -c, a traceback', 'venv/bin/python', ['-c', 'import missing_module']],
    ['python -c, sys.exit with a message', 'venv/bin/python', ['-c', 'raise SystemExit("bye")']],
    ['python -m, a module of the workspace', 'venv/bin/python', ['-m', 'greet']],
    ['python -m, no such module', 'venv/bin/python', ['-m', 'no_such_module']],
  ];

  it.each(cases)(
    '%s: the spare gives a fresh run’s result',
    async (_name, command, args) => {
      const { fresh, warm, spawned } = await freshThenSpare(command, args);
      expect(spawned).toBe(0);
      expect(warm).toEqual(fresh);
    },
    60_000,
  );

  it('python -m unittest, passing and failing: the spare gives a fresh run’s result', async () => {
    const args = ['-m', 'unittest', 'discover', '-v'];
    for (const [tests, exitCode] of [
      [TESTS_PASS, 0],
      [TESTS_FAIL, 1],
    ] as const) {
      await writeFile(join(workspace, 'test_case.py'), tests);
      const { fresh, warm, spawned } = await freshThenSpare('venv/bin/python', args);
      expect(spawned).toBe(0);
      expect(fresh.exitCode).toBe(exitCode);
      // unittest prints how long the run took: the only part that may differ.
      const untimed = (text: string) => text.replace(/in \d+\.\d+s/, 'in <time>');
      expect({ ...warm, stderr: untimed(warm.stderr) }).toEqual({
        ...fresh,
        stderr: untimed(fresh.stderr),
      });
    }
    await rm(join(workspace, 'test_case.py'));
  }, 60_000);

  it('python -m unittest with a unittest.py in the cwd: runs that one, as a fresh start does', async () => {
    await writeFile(join(workspace, 'unittest.py'), "print('the workspace unittest')\n");
    const { fresh, warm, spawned } = await freshThenSpare('venv/bin/python', ['-m', 'unittest']);
    await rm(join(workspace, 'unittest.py'));
    expect(spawned).toBe(0);
    expect(fresh).toMatchObject({ exitCode: 0, stdout: 'the workspace unittest\n' });
    expect(warm).toEqual(fresh);
  }, 60_000);

  it('uses a spare once: the second run of the command spawns', async () => {
    makeBox();
    const args = ['-e', "console.log('once')"];
    const spare = await box.warm('node', args, options);
    await box.run('node', args, options);
    expect(runner.spawned).toBe(0);
    const second = await box.run('node', args, options);
    expect(runner.spawned).toBe(1);
    expect(second).toMatchObject({ exitCode: 0, stdout: 'once\n' });
    await spare?.dispose();
  }, 60_000);

  it('starts no spare for a command without one', async () => {
    makeBox();
    expect(await box.warm('node', ['--version'], options)).toBeUndefined();
    expect(await box.warm('venv/bin/python', ['-u', '-c', 'pass'], options)).toBeUndefined();
    expect(runner.spares).toBe(0);
  });

  it('spawns afresh, with the right answer, when the venv was made anew after the spare started', async () => {
    makeBox();
    const args = ['-c', 'import marker; print(marker.VALUE)'];
    const spare = await box.warm('venv/bin/python', args, options);
    await rm(join(workspace, 'venv'), { recursive: true });
    await run('python3', ['-m', 'venv', '--without-pip', 'venv'], { cwd: workspace });
    const { stdout } = await run(join(workspace, 'venv/bin/python'), [
      '-c',
      'import sysconfig; print(sysconfig.get_paths()["purelib"])',
    ]);
    await writeFile(join(stdout.trim(), 'marker.py'), 'VALUE = "new venv"\n');
    const result = await box.run('venv/bin/python', args, options);
    expect(runner.spawned).toBe(1);
    expect(result).toMatchObject({ exitCode: 0, stdout: 'new venv\n' });
    expect(alive(spare?.pid)).toBe(false);
    await spare?.dispose();
  }, 60_000);

  it('sees a .pth file installed after the spare started', async () => {
    makeBox();
    const { stdout } = await run(join(workspace, 'venv/bin/python'), [
      '-c',
      'import sysconfig; print(sysconfig.get_paths()["purelib"])',
    ]);
    const extra = join(workspace, 'extra');
    const args = ['-c', 'import extra_module; print(extra_module.VALUE)'];
    const spare = await box.warm('venv/bin/python', args, options);
    await run('mkdir', ['-p', extra]);
    await writeFile(join(extra, 'extra_module.py'), 'VALUE = "via pth"\n');
    await writeFile(join(stdout.trim(), 'extra.pth'), `${extra}\n`);
    const result = await box.run('venv/bin/python', args, options);
    expect(runner.spawned).toBe(0);
    expect(result).toMatchObject({ exitCode: 0, stdout: 'via pth\n' });
    await spare?.dispose();
    await rm(join(stdout.trim(), 'extra.pth'));
  }, 60_000);

  it('python -m with a .pth that adds an import hook: the job sees whole packages, as a fresh start does', async () => {
    // setuptools' distutils-precedence.pth adds such a hook. A spare that imported stdlib
    // modules ahead and dropped them then left `collections` anew without its `abc`: pytest
    // failed in tests/bench/suite-policies.e2e.test.ts (py-off-by-one), which guards the real
    // case; this one checks a spare with a hook .pth still gives a fresh run's result.
    makeBox();
    const { stdout } = await run(join(workspace, 'venv/bin/python'), [
      '-c',
      'import sysconfig; print(sysconfig.get_paths()["purelib"])',
    ]);
    const pth = join(stdout.trim(), 'hook.pth');
    await writeFile(
      pth,
      'import sys, collections.abc; sys.meta_path.insert(0, type("Hook", (), {"find_spec": staticmethod(lambda *a, **k: None)})())\n',
    );
    await writeFile(
      join(workspace, 'test_abc.py'),
      'import collections, unittest\n\n\nclass Abc(unittest.TestCase):\n' +
        '    def test_abc(self):\n        self.assertTrue(isinstance([], collections.abc.Sequence))\n',
    );
    const args = ['-m', 'unittest', 'test_abc'];
    const { fresh, warm, spawned } = await freshThenSpare('venv/bin/python', args);
    await rm(pth);
    await rm(join(workspace, 'test_abc.py'));
    expect(spawned).toBe(0);
    expect(fresh.exitCode, fresh.stderr).toBe(0);
    const untimed = (text: string) => text.replace(/in \d+\.\d+s/, 'in <time>');
    expect({ ...warm, stderr: untimed(warm.stderr) }).toEqual({
      ...fresh,
      stderr: untimed(fresh.stderr),
    });
  }, 60_000);

  it('kills an unused spare when disposed', async () => {
    makeBox();
    const spare = await box.warm('node', ['-e', "console.log('unused')"], options);
    expect(alive(spare?.pid)).toBe(true);
    await spare?.dispose();
    expect(alive(spare?.pid)).toBe(false);
    // Disposed means gone from the pool too: the command now spawns.
    await box.run('node', ['-e', "console.log('unused')"], options);
    expect(runner.spawned).toBe(1);
  }, 60_000);

  it('kills a job that hangs in a spare at its own timeout, counted from the job', async () => {
    makeBox();
    const args = ['-e', 'setInterval(() => {}, 1000)'];
    const spare = await box.warm('node', args, { ...options, timeoutMs: 30_000 });
    const result = await box.run('node', args, { ...options, timeoutMs: 1_000 });
    expect(runner.spawned).toBe(0);
    expect(result).toMatchObject({ timedOut: true, exitCode: null });
    expect(alive(spare?.pid)).toBe(false);
    await spare?.dispose();
  }, 60_000);

  it('serves a task check run through runCheckCommand', async () => {
    makeBox();
    const argv = ['node', '-e', "console.log(require('./'))"];
    const fresh = await box.runCheckCommand(argv);
    const spare = await box.warmCheckCommand(argv);
    const warm = await box.runCheckCommand(argv);
    expect(runner.spawned).toBe(1);
    expect(warm).toEqual(fresh);
    expect(warm.stdout).toBe('hello\n');
    await spare?.dispose();
  }, 60_000);
});
