import { tempDir } from '@codegod/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CommandRunner } from './command-runner.js';
import { createDirectRunner } from './runners/direct-runner.js';
import { createSandbox, type Sandbox } from './sandbox.js';
import { runWithSharedCommands } from './shared-commands.js';

/** The `none` runner (real processes), counting the commands it runs. */
function countingRunner() {
  const inner = createDirectRunner();
  const runner: CommandRunner & { runs: string[] } = {
    kind: inner.kind,
    runs: [],
    start: (spec) => inner.start(spec),
    run(spec) {
      runner.runs.push([spec.file, ...spec.args].join(' '));
      return inner.run(spec);
    },
  };
  return runner;
}

// Each run appends a line to counter.txt, so a command that really ran twice shows it.
const APPEND = "require('fs').appendFileSync('counter.txt', 'x')";

describe('runWithSharedCommands', () => {
  let workspace: Awaited<ReturnType<typeof tempDir>>;
  let runner: ReturnType<typeof countingRunner>;
  let box: Sandbox;
  beforeEach(async () => {
    workspace = await tempDir('codegod-shared-commands-');
    runner = countingRunner();
    box = createSandbox({ workspace: workspace.path, allowlist: ['node'], runner });
  });
  afterEach(async () => {
    await workspace.remove();
  });
  // Trusted: the scripts need the characters argument screening refuses.
  const node = (script: string, options: Parameters<Sandbox['run']>[2] = {}) =>
    box.run('node', ['-e', script], { ...options, trustedArguments: true });
  const counter = async () =>
    (await box.exists('counter.txt')) ? await box.readFile('counter.txt') : '';

  it('runs a command line once inside the span, for both an action and a check', async () => {
    const [first, second] = await runWithSharedCommands(async () => [
      await node(`${APPEND}, console.log('ran')`),
      await box.runCheckCommand(['node', '-e', `${APPEND}, console.log('ran')`]),
    ]);
    expect(first).toMatchObject({ exitCode: 0, stdout: 'ran\n' });
    expect(second).toMatchObject({ exitCode: 0, stdout: 'ran\n' });
    expect(runner.runs).toHaveLength(1);
    expect(await counter()).toBe('x');
  });

  it('runs every command outside a span, and in each span afresh', async () => {
    await node(APPEND);
    await node(APPEND);
    await runWithSharedCommands(() => node(APPEND));
    await runWithSharedCommands(() => node(APPEND));
    expect(await counter()).toBe('xxxx');
  });

  it('shares only the same executable, arguments and cwd', async () => {
    await box.writeFile('sub/.keep', '');
    await runWithSharedCommands(async () => {
      await node(APPEND);
      await node(`${APPEND}; `);
      await node(APPEND, { cwd: 'sub' });
      await node(APPEND, { network: true });
    });
    expect(runner.runs).toHaveLength(4);
  });

  it('runs again a command that did not end on its own, or took longer than the new timeout', async () => {
    await runWithSharedCommands(async () => {
      const killed = await node('setTimeout(() => {}, 5000)', {
        timeoutMs: 200,
      });
      expect(killed.timedOut).toBe(true);
      await node('setTimeout(() => {}, 5000)', { timeoutMs: 200 });
      await node('setTimeout(() => {}, 300)');
      // The earlier run took over 300 ms: a check allowed 100 ms must not pass on it.
      const strict = await box.runCheckCommand(['node', '-e', 'setTimeout(() => {}, 300)'], {
        timeoutMs: 100,
      });
      expect(strict.timedOut).toBe(true);
    });
    expect(runner.runs).toHaveLength(4);
  });
});
