import { AsyncLocalStorage } from 'node:async_hooks';
import { performance } from 'node:perf_hooks';
import type { CommandOutput, CommandRunner, CommandSpec } from './command-runner.js';

/** A command's output and how long it took, by command line. */
type SharedRuns = Map<string, Promise<{ output: CommandOutput; ms: number }>>;

const scope = new AsyncLocalStorage<SharedRuns>();

/**
 * Runs `work` with its commands shared: inside it, a command line (executable, arguments, cwd)
 * that already ran to its own end runs no second time, and its output is reused. For a span
 * in which nothing changes the workspace, such as a Validate step, where the testing role's
 * health check and a task's acceptance check are often both `npm test` (issue 15: nothing runs
 * twice in one task). Commands that use the network (installs) are never shared.
 */
export function runWithSharedCommands<T>(work: () => Promise<T>): Promise<T> {
  return scope.run(new Map(), work);
}

/**
 * `runner.run(spec)`, or, inside `runWithSharedCommands`, the output of the same command line
 * run earlier in the span: only if it ended on its own (exit code, no timeout, cap or cancel)
 * within `spec.timeoutMs`, else it runs again.
 */
export async function runShared(runner: CommandRunner, spec: CommandSpec): Promise<CommandOutput> {
  const runs = scope.getStore();
  if (!runs || spec.network) return runner.run(spec);
  const key = JSON.stringify([spec.file, spec.args, spec.cwd]);
  const earlier = await runs.get(key)?.catch(() => undefined);
  if (earlier && endedOnItsOwn(earlier.output) && earlier.ms <= spec.timeoutMs) {
    return earlier.output;
  }
  const started = performance.now();
  const run = runner.run(spec).then((output) => ({ output, ms: performance.now() - started }));
  runs.set(key, run);
  return (await run).output;
}

function endedOnItsOwn(output: CommandOutput): boolean {
  return output.exitCode !== null && !output.timedOut && !output.truncated && !output.cancelled;
}
