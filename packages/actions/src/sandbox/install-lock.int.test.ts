import { mkdir, mkdtemp, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CommandRunner, RunningCommand } from './command-runner.js';
import { createCommandRunner } from './create-command-runner.js';
import { type Argv, withInstallLock } from './install-lock.js';

// Each command appends "start X" and, a moment later, "end X" to a log in the workspace.
const SLOW = [
  'import sys, time',
  "log = open('log.txt', 'a', buffering=1)",
  "log.write('start ' + sys.argv[1] + '\\n')",
  'time.sleep(float(sys.argv[2]))',
  "log.write('end ' + sys.argv[1] + '\\n')",
].join('\n');

describe.each(['bubblewrap', 'none'])('the install lock under %s', (sandbox) => {
  let root: string;
  let workspace: string;
  let runner: CommandRunner;
  beforeEach(async () => {
    root = await realpath(await mkdtemp(join(tmpdir(), 'codegod-lock-')));
    workspace = join(root, 'workspace');
    await mkdir(workspace);
    await writeFile(join(workspace, 'slow.py'), SLOW);
    runner = createCommandRunner({ sandbox, env: {} });
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  const spec = (argv: Argv) => ({
    ...argv,
    cwd: workspace,
    workspace,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    timeoutMs: 30_000,
    maxOutputBytes: 64 * 1024,
  });
  const slow = (name: string, seconds: number): Argv => ({
    file: 'python3',
    args: ['slow.py', name, String(seconds)],
  });
  const log = async () => (await readFile(join(workspace, 'log.txt'), 'utf8')).trim().split('\n');

  it('runs installs into one workspace one at a time', async () => {
    const results = await Promise.all(
      ['a', 'b', 'c'].map((name) =>
        withInstallLock(workspace, slow(name, 0.4), (argv) => runner.run(spec(argv))),
      ),
    );
    expect(results.map((r) => r.exitCode)).toEqual([0, 0, 0]);
    const lines = await log();
    expect(lines).toHaveLength(6);
    // Every start is followed by its own end: no two installs overlapped.
    for (let i = 0; i < lines.length; i += 2) {
      expect(lines[i + 1]).toBe(lines[i]!.replace('start', 'end'));
    }
  }, 60_000);

  it('overlaps without the lock, so the test above can fail', async () => {
    await Promise.all(['a', 'b'].map((name) => runner.run(spec(slow(name, 0.6)))));
    expect((await log()).slice(0, 2).every((line) => line.startsWith('start'))).toBe(true);
  }, 60_000);

  it('frees the lock when its holder is killed', async () => {
    let holder: RunningCommand | undefined;
    const first = withInstallLock(workspace, slow('killed', 600), (argv) => {
      holder = runner.start(spec(argv));
      return holder.done;
    });
    const deadline = Date.now() + 30_000;
    while (!(await readFile(join(workspace, 'log.txt'), 'utf8').catch(() => ''))) {
      if (Date.now() > deadline) throw new Error('the first install never started');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const second = withInstallLock(workspace, slow('next', 0.1), (argv) => runner.run(spec(argv)));
    await holder!.stop();
    await first;
    expect((await second).exitCode).toBe(0);
    expect(await log()).toEqual(['start killed', 'start next', 'end next']);
  }, 60_000);
});
