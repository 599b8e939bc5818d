import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
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

/** The pids of the processes below `pid` (its children, theirs, and so on). */
function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
    } catch {
      // it ended while we looked
    }
  }
  const found: number[] = [];
  const walk = (from: number) => {
    for (const child of children.get(from) ?? []) {
      found.push(child);
      walk(child);
    }
  };
  walk(pid);
  return found;
}

/**
 * Waits until the spare started as `pid` has reached its gate: one of its processes blocks
 * reading fd 3 (read is syscall 0 on x86-64, 63 on arm64). `warm` returns once the spare is
 * spawned, before its interpreter has started up.
 */
async function atGate(pid: number | undefined) {
  for (let tries = 0; tries < 1000 && pid !== undefined; tries++) {
    for (const process of descendants(pid)) {
      try {
        if (/^(0|63) 0x3 /.test(readFileSync(`/proc/${process}/syscall`, 'utf8'))) return;
      } catch {
        // it ended while we looked
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`the spare ${pid} did not reach its gate`);
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

  /** The venv's site-packages folder. */
  async function sitePackages() {
    const { stdout } = await run(join(workspace, 'venv/bin/python'), [
      '-c',
      'import sysconfig; print(sysconfig.get_paths()["purelib"])',
    ]);
    return stdout.trim();
  }

  /**
   * A fresh run of `python -m unittest <test module>`, then a spare started for it, `change`
   * made to the files while the spare waits (as an act would), and the command run again:
   * both results (their time taken blanked) and how many processes the second run spawned.
   */
  async function unittestAcrossChange(tests: string, change: () => Promise<unknown>) {
    await writeFile(join(workspace, 'test_ahead.py'), tests);
    const args = ['-m', 'unittest', 'test_ahead'];
    makeBox();
    const spare = await box.warm('venv/bin/python', args, options);
    await atGate(spare?.pid);
    await change();
    const spawnedBefore = runner.spawned;
    const warm = await box.run('venv/bin/python', args, options);
    const spawned = runner.spawned - spawnedBefore;
    const fresh = await box.run('venv/bin/python', args, options);
    await spare?.dispose();
    await rm(join(workspace, 'test_ahead.py'));
    const untimed = (text: string) => text.replace(/in \d+\.\d+s/, 'in <time>');
    return {
      fresh: { ...fresh, stderr: untimed(fresh.stderr) },
      warm: { ...warm, stderr: untimed(warm.stderr) },
      spawned,
    };
  }

  const PRINTS_MODULES =
    'import sys, unittest\n\n\nclass Modules(unittest.TestCase):\n' +
    '    def test_modules(self):\n        print(sorted(sys.modules))\n';

  it('python -m unittest in a spare that imported it ahead has the very modules of a fresh start', async () => {
    const { fresh, warm, spawned } = await unittestAcrossChange(PRINTS_MODULES, async () => {});
    expect(spawned).toBe(0);
    expect(fresh.exitCode, fresh.stderr).toBe(0);
    expect(fresh.stdout).toContain("'difflib'");
    expect(warm).toEqual(fresh);
  }, 60_000);

  const COLLECTS_CYCLES =
    'import gc, os, unittest\n\n\nclass Loud:\n' +
    '    def __init__(self, what):\n        self.what, self.me = what, self\n' +
    '    def __del__(self, write=os.write):\n' +
    "        write(1, ('collected ' + self.what + '\\n').encode())\n\n\n" +
    "AT_EXIT = Loud('at exit')\n\n\nclass Cycles(unittest.TestCase):\n" +
    "    def test_cycle(self):\n        Loud('in the test')\n        gc.collect()\n";

  it('python -m unittest in a spare that imported it ahead collects the job’s own cycles, in the run and at exit, as a fresh start does', async () => {
    const { fresh, warm, spawned } = await unittestAcrossChange(COLLECTS_CYCLES, async () => {});
    expect(spawned).toBe(0);
    expect(fresh.stdout, fresh.stderr).toBe('collected in the test\ncollected at exit\n');
    expect(warm).toEqual(fresh);
  }, 60_000);

  // Each change below makes a fresh start import unittest differently from how the spare
  // imported it ahead; the spare must decline (the command spawns) for the result to be the
  // fresh one. A spare that imported nothing ahead would serve these without spawning, so the
  // spawn count also shows that it did import ahead.
  const changes: [string, string, () => Promise<unknown>][] = [
    [
      'a module it imported ahead now shadowed in the cwd',
      'import difflib, unittest\n\n\nclass Shadow(unittest.TestCase):\n' +
        '    def test_shadow(self):\n        print(difflib.WHO)\n',
      () => writeFile(join(workspace, 'difflib.py'), "WHO = 'the workspace difflib'\n"),
    ],
    [
      'a .pth file with an import line installed',
      'import sys, unittest\n\n\nclass Pth(unittest.TestCase):\n' +
        '    def test_pth(self):\n        print(sys.saw_unittest)\n',
      async () =>
        writeFile(
          join(await sitePackages(), 'ahead.pth'),
          "import sys; sys.saw_unittest = 'unittest' in sys.modules\n",
        ),
    ],
    [
      'a sitecustomize installed',
      'import sys, unittest\n\n\nclass Custom(unittest.TestCase):\n' +
        '    def test_custom(self):\n        print(sys.saw_unittest)\n',
      async () =>
        writeFile(
          join(await sitePackages(), 'sitecustomize.py'),
          "import sys\nsys.saw_unittest = 'unittest' in sys.modules\n",
        ),
    ],
  ];

  it.each(changes)(
    'python -m unittest, %s while the spare waited: it declines, and the result is a fresh start’s',
    async (_name, tests, change) => {
      const { fresh, warm, spawned } = await unittestAcrossChange(tests, change);
      for (const file of ['difflib.py', 'ahead.pth', 'sitecustomize.py']) {
        await rm(join(workspace, file), { force: true });
        await rm(join(await sitePackages(), file), { force: true });
      }
      expect(spawned).toBe(1);
      expect(fresh.exitCode, fresh.stderr).toBe(0);
      expect(fresh.stdout).toMatch(/^(the workspace difflib|False)\n$/);
      expect(warm).toEqual(fresh);
    },
    60_000,
  );

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
