import { mkdir, mkdtemp, readFile, realpath, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CommandRunner, CommandSpec } from '../sandbox/command-runner.js';

/** Variables an adapter may replace with private ones (bubblewrap's own HOME, /tmp and npm cache). */
export const RUNNER_OWNED_VARIABLES = ['HOME', 'TMPDIR', 'npm_config_cache'] as const;

/** Generous: only guards against hangs, never measures speed. */
const HANG_GUARD_MS = 30_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Bytes of `file`, 0 when it does not exist. */
const size = (file: string) =>
  stat(file).then(
    (s) => s.size,
    () => 0,
  );

/**
 * A node script that starts a grandchild appending to `beat` every 50 ms, then (unless
 * `exit`) keeps running itself. The grandchild shares stdout, so only killing the whole tree
 * lets a run return, and its file shows whether it still lives.
 */
const treeScript = (exit = false) =>
  "const { spawn } = require('child_process');" +
  "spawn(process.execPath, ['-e', \"setInterval(() => require('fs').appendFileSync('beat', 'x'), 50)\"], { stdio: 'inherit' });" +
  (exit ? '' : 'setInterval(() => {}, 1000);');

/** Waits until `file` has grown, so the tree is known to be up before it is killed. */
async function grows(file: string): Promise<void> {
  const deadline = Date.now() + HANG_GUARD_MS;
  while ((await size(file)) === 0) {
    if (Date.now() > deadline) throw new Error(`${file} never grew: the grandchild did not start`);
    await sleep(50);
  }
}

/** True when `file` stays the same size for a while: whatever appended to it is dead. */
async function stopsGrowing(file: string): Promise<boolean> {
  await sleep(300);
  const before = await size(file);
  await sleep(700);
  return (await size(file)) === before;
}

/**
 * The behaviour every CommandRunner adapter must show: exit codes and output, the output cap,
 * a timeout, an abort and `stop()` each killing the whole process tree, the environment
 * passed as given (an adapter may own RUNNER_OWNED_VARIABLES), the working directory, and
 * writes inside the workspace. `create` makes the adapter under test; the commands use the
 * node binary running the tests.
 */
export function commandRunnerConformance(name: string, create: () => CommandRunner): void {
  describe(`CommandRunner conformance: ${name}`, () => {
    let root: string;
    let workspace: string;
    let runner: CommandRunner;
    const baseEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8' };
    const spec = (args: string[], extra: Partial<CommandSpec> = {}): CommandSpec => ({
      file: process.execPath,
      args,
      cwd: workspace,
      workspace,
      env: baseEnv,
      timeoutMs: HANG_GUARD_MS,
      maxOutputBytes: 64 * 1024,
      ...extra,
    });

    beforeEach(async () => {
      root = await realpath(await mkdtemp(join(tmpdir(), 'codegod-runner-')));
      workspace = join(root, 'workspace');
      await mkdir(join(workspace, 'sub'), { recursive: true });
      runner = create();
    });
    afterEach(() => rm(root, { recursive: true, force: true }));

    it('reports exit codes and captures stdout and stderr', async () => {
      const ok = await runner.run(spec(['-e', "console.log('out'), console.error('err')"]));
      expect(ok).toMatchObject({ exitCode: 0, stdout: 'out\n', stderr: 'err\n' });
      expect(ok).toMatchObject({ timedOut: false, truncated: false, cancelled: false });
      expect((await runner.run(spec(['-e', 'process.exit(3)']))).exitCode).toBe(3);
    });

    it('fails, saying why, when the executable does not exist', async () => {
      const result = await runner.run({ ...spec([]), file: 'codegod-no-such-command' });
      expect(result.exitCode).not.toBe(0);
      expect(result.stderr).toMatch(/codegod-no-such-command|ENOENT|No such file/);
    });

    it('runs in the given directory and writes inside the workspace', async () => {
      const cwd = join(workspace, 'sub');
      const script = "require('fs').writeFileSync('made.txt', process.cwd())";
      const result = await runner.run(spec(['-e', script], { cwd }));
      expect(result.exitCode).toBe(0);
      expect(await readFile(join(cwd, 'made.txt'), 'utf8')).toBe(cwd);
    });

    it('passes the environment as given, and nothing else', async () => {
      const env = { ...baseEnv, CODEGOD_PROBE: 'a b=c', EMPTY_ONE: '' };
      const result = await runner.run(
        spec(['-e', 'console.log(JSON.stringify(process.env))'], { env }),
      );
      const seen = JSON.parse(result.stdout) as Record<string, string>;
      for (const owned of RUNNER_OWNED_VARIABLES) delete seen[owned];
      // Changing directory may set PWD, and then only to the working directory.
      if ('PWD' in seen) expect(seen.PWD).toBe(workspace);
      delete seen.PWD;
      expect(seen).toEqual(env);
    });

    it('stops a command that prints more than the cap, keeping at most the cap', async () => {
      const result = await runner.run(
        spec(['-e', "for (;;) process.stdout.write('x'.repeat(4096))"], {
          maxOutputBytes: 16 * 1024,
        }),
      );
      expect(result.truncated).toBe(true);
      expect(result.exitCode).not.toBe(0);
      expect(Buffer.byteLength(result.stdout)).toBeLessThanOrEqual(16 * 1024);
    });

    it(
      'kills the whole process tree at the timeout',
      async () => {
        const result = await runner.run(spec(['-e', treeScript()], { timeoutMs: 1500 }));
        expect(result.timedOut).toBe(true);
        expect(result.exitCode).not.toBe(0);
        expect(await size(join(workspace, 'beat'))).toBeGreaterThan(0);
        expect(await stopsGrowing(join(workspace, 'beat'))).toBe(true);
      },
      HANG_GUARD_MS,
    );

    it(
      'kills the whole process tree when the signal aborts',
      async () => {
        const controller = new AbortController();
        const running = runner.run(spec(['-e', treeScript()], { signal: controller.signal }));
        await grows(join(workspace, 'beat'));
        controller.abort();
        const result = await running;
        expect(result.cancelled).toBe(true);
        expect(await stopsGrowing(join(workspace, 'beat'))).toBe(true);
      },
      HANG_GUARD_MS,
    );

    it(
      'kills a tree whose leader already exited when the command ends',
      async () => {
        const result = await runner.run(spec(['-e', treeScript(true)], { timeoutMs: 3000 }));
        // The grandchild holds stdout open, so the run ends only by the timeout's tree kill.
        expect(result.timedOut).toBe(true);
        expect(await stopsGrowing(join(workspace, 'beat'))).toBe(true);
      },
      HANG_GUARD_MS,
    );

    it(
      'starts a background command and stop() kills its tree and waits for it',
      async () => {
        const running = runner.start(spec(['-e', treeScript()]));
        expect(running.pid).toEqual(expect.any(Number));
        await grows(join(workspace, 'beat'));
        const result = await running.stop();
        expect(result.exitCode).not.toBe(0);
        expect(await running.done).toBe(result);
        expect(await stopsGrowing(join(workspace, 'beat'))).toBe(true);
      },
      HANG_GUARD_MS,
    );

    it('settles done by itself when a background command exits', async () => {
      const running = runner.start(spec(['-e', "console.log('bye')"]));
      expect(await running.done).toMatchObject({ exitCode: 0, stdout: 'bye\n' });
    });
  });
}
