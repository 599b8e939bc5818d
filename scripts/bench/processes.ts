// Processes an agent's observe + validate start per task, per seed role (issue 15's "cheap
// checks"): each role's toolkit runs over its seed fixture through the real command runner
// (bubblewrap when it works here, else none), wrapped to count every command it starts and
// every spare interpreter its warm-up starts (used or not), as the agent calls them. Two
// tasks per role, as a worker runs them one after the other: the second shows what the
// per-process caches save. Goal: at most 0.75 processes per observe + validate on average.
// Then a testing task whose acceptance check is the role's own test command (`npm test` in the
// six-task plan): the Validate step runs it once (`runWithSharedCommands`, as the agent does),
// against twice when health check and checks run apart.
//
// Run: npx tsx --conditions=@codegod/source scripts/bench/processes.ts
import {
  type CommandRunner,
  createCommandRunner,
  runWithSharedCommands,
  toolkitFor,
} from '@codegod/actions';
import {
  makeFlaskAppFixture,
  makeImportErrorTestsFixture,
  makeMissingDockerfileFixture,
  makeNodeMainFixture,
} from '@codegod/actions/fixtures';
import { WORKER_ROLES, type WorkerRole } from '@codegod/protocol';
import { tempDir } from '@codegod/testkit';
import { type BenchRow, formatTable, isEntryPoint } from './bench-table.js';

/** A seed fixture per role; a role without one has no row. */
const FIXTURES: Partial<Record<WorkerRole, (dir: string) => Promise<{ workspace: string }>>> = {
  backend: makeFlaskAppFixture,
  frontend: (dir) => makeNodeMainFixture(dir),
  testing: makeImportErrorTestsFixture,
  devops: makeMissingDockerfileFixture,
};

/** A runner that counts the processes it starts: commands, and spare interpreters. */
function counting(inner: CommandRunner): CommandRunner & { count: number } {
  const wrapper: CommandRunner & { count: number } = {
    kind: inner.kind,
    count: 0,
    start(spec) {
      wrapper.count += 1;
      return inner.start(spec);
    },
    run(spec) {
      wrapper.count += 1;
      return inner.run(spec);
    },
    ...(inner.startPaused
      ? {
          startPaused(spec, maxWaitMs) {
            wrapper.count += 1;
            return inner.startPaused!(spec, maxWaitMs);
          },
        }
      : {}),
  };
  return wrapper;
}

export async function processesBench(): Promise<BenchRow[]> {
  const dir = await tempDir('codegod-bench-processes-');
  const rows: BenchRow[] = [];
  let sum = 0;
  let sharedRow: BenchRow;
  try {
    let inner: CommandRunner;
    try {
      inner = createCommandRunner();
    } catch {
      inner = createCommandRunner({ sandbox: 'none' });
    }
    for (const role of WORKER_ROLES) {
      const fixture = FIXTURES[role];
      if (!fixture) continue;
      const { workspace } = await fixture(`${dir.path}/${role}`);
      const runner = counting(inner);
      // The devops toolkit asks a Docker engine; none answers here, which costs no process.
      const toolkit = toolkitFor(role, { runner, pingTimeoutMs: 200 });
      const task = { id: 't', description: 'bench', role, depends_on: [] };
      const perTask: number[] = [];
      for (let index = 0; index < 2; index += 1) {
        const before = runner.count;
        const context = { workspace, signal: AbortSignal.timeout(60_000) };
        await toolkit.observe(task, context);
        // As the agent does: spares start before the LLM call, and a wasted one counts too.
        const spares = await toolkit.warmUp?.(task, context);
        await toolkit.validate(task, context);
        await spares?.dispose();
        perTask.push(runner.count - before);
      }
      sum += perTask[1] ?? 0;
      rows.push({
        benchmark: `processes per observe + validate: ${role} (${runner.kind})`,
        measured: `first task ${perTask[0]}, next task ${perTask[1]}`,
        goal: 'report',
      });
    }
    sharedRow = await sharedTestRun(inner);
  } finally {
    await dir.remove();
  }
  const mean = sum / Object.keys(FIXTURES).length;
  rows.push({
    benchmark: 'processes per observe + validate, mean over the seed roles (after the first task)',
    measured: mean.toFixed(2),
    goal: '<= 0.75',
    met: mean <= 0.75,
  });
  rows.push(sharedRow);
  return rows;
}

/** Processes of a testing Validate step whose acceptance check is the role's test command. */
async function sharedTestRun(inner: CommandRunner): Promise<BenchRow> {
  const dir = await tempDir('codegod-bench-processes-shared-');
  try {
    const { workspace } = await makeImportErrorTestsFixture(dir.path);
    const runner = counting(inner);
    const toolkit = toolkitFor('testing', { runner });
    const task = { id: 't', description: 'bench', role: 'testing' as const, depends_on: [] };
    const context = { workspace, signal: AbortSignal.timeout(60_000) };
    const observed = await toolkit.observe(task, context);
    const argv = String(observed.test_command).split(' ');
    // The fixture's tests fail: the count is the point here, not the verdict.
    const checks = [{ type: 'command' as const, argv }];
    const step = async () => {
      await toolkit.validate(task, context);
      await toolkit.runChecks(checks, context);
    };
    const count = async (work: () => Promise<void>) => {
      const before = runner.count;
      await work();
      return runner.count - before;
    };
    const apart = await count(step);
    const shared = await count(() => runWithSharedCommands(step));
    return {
      benchmark: `processes per testing Validate step with a \`${argv.join(' ')}\` check`,
      measured: `${shared} shared, ${apart} apart`,
      goal: '1',
      met: shared === 1,
    };
  } finally {
    await dir.remove();
  }
}

if (isEntryPoint(import.meta.url)) {
  console.log('codegod observe + validate processes bench');
  console.log(formatTable(await processesBench()));
}
