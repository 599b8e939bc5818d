// Processes an agent's observe + validate start per task, per seed role (issue 15's "cheap
// checks"): each role's toolkit runs over its seed fixture through the real command runner
// (bubblewrap when it works here, else none), wrapped to count every command it starts. Two
// tasks per role, as a worker runs them one after the other: the second shows what the
// per-process caches save. Goal: at most 0.75 processes per observe + validate on average.
//
// Run: npx tsx --conditions=@codegod/source scripts/bench/processes.ts
import { type CommandRunner, createCommandRunner, toolkitFor } from '@codegod/actions';
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

/** A runner that counts the commands it starts. */
function counting(inner: CommandRunner): CommandRunner & { count: number } {
  const wrapper = {
    kind: inner.kind,
    count: 0,
    start(spec: Parameters<CommandRunner['start']>[0]) {
      wrapper.count += 1;
      return inner.start(spec);
    },
    run(spec: Parameters<CommandRunner['run']>[0]) {
      wrapper.count += 1;
      return inner.run(spec);
    },
  };
  return wrapper;
}

export async function processesBench(): Promise<BenchRow[]> {
  const dir = await tempDir('codegod-bench-processes-');
  const rows: BenchRow[] = [];
  let sum = 0;
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
        await toolkit.validate(task, context);
        perTask.push(runner.count - before);
      }
      sum += perTask[1] ?? 0;
      rows.push({
        benchmark: `processes per observe + validate: ${role} (${runner.kind})`,
        measured: `first task ${perTask[0]}, next task ${perTask[1]}`,
        goal: 'report',
      });
    }
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
  return rows;
}

if (isEntryPoint(import.meta.url)) {
  console.log('codegod observe + validate processes bench');
  console.log(formatTable(await processesBench()));
}
