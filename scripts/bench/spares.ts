// Issue 15's spare interpreters: how long a Validate step (the role's health check and the
// task's command checks, commands shared as the agent does) takes after the act, with the
// spares the toolkit's warmUp started during a 200 ms "LLM call", against spawning as before.
// One toolkit per role over the six-task plan's ready workspace (makespan.ts's), the real
// runner (bubblewrap when it works here), rounds interleaved; medians.
// Run: npx tsx --conditions=@codegod/source scripts/bench/spares.ts [--quick]
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { runWithSharedCommands, toolkitFor } from '@codegod/actions';
import type { Task, TaskGraph } from '@codegod/protocol';
import { tempDir } from '@codegod/testkit';
import { type BenchRow, formatTable, isEntryPoint, ms } from './bench-table.js';
import { readyWorkspace } from './makespan.js';

const ROOT = resolve(import.meta.dirname, '../..');
const PLAN = join(ROOT, 'examples/flask-react.plan.json');
/** The wait the spares start in: the scripted LLM call of the makespan bench. */
const LLM_MS = 200;

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

/** One Validate step of `task` in `workspace`, after a 200 ms wait, with or without spares. */
async function validateAfterWait(task: Task, workspace: string, spares: boolean) {
  const toolkit = toolkitFor(task.role);
  const context = { workspace, signal: AbortSignal.timeout(60_000) };
  const warm = spares ? await toolkit.warmUp?.(task, context) : undefined;
  await new Promise((done) => setTimeout(done, LLM_MS));
  const started = performance.now();
  await runWithSharedCommands(async () => {
    await toolkit.validate(task, context);
    await toolkit.runChecks(task.acceptance ?? [], context);
  });
  const elapsed = performance.now() - started;
  await warm?.dispose();
  return elapsed;
}

export async function sparesBench(quick = false): Promise<BenchRow[]> {
  const rounds = quick ? 3 : 7;
  const dir = await tempDir('codegod-bench-spares-');
  try {
    const { workspace } = await readyWorkspace(dir.path);
    const graph = JSON.parse(await readFile(PLAN, 'utf8')) as TaskGraph;
    const rows: BenchRow[] = [];
    for (const task of graph.tasks) {
      if (!toolkitFor(task.role).warmUp) continue;
      const times = { spawned: [] as number[], spares: [] as number[] };
      for (let round = 0; round < rounds; round++) {
        times.spawned.push(await validateAfterWait(task, workspace, false));
        times.spares.push(await validateAfterWait(task, workspace, true));
      }
      const [spawned, spared] = [median(times.spawned), median(times.spares)];
      rows.push({
        benchmark: `Validate after the LLM call, ${task.id} (${task.role}): with spares / spawned`,
        measured: `${ms(spared)} / ${ms(spawned)} = ${(spared / spawned).toFixed(2)}`,
        goal: 'report',
      });
    }
    return rows;
  } finally {
    await dir.remove();
  }
}

if (isEntryPoint(import.meta.url)) {
  const quick = process.argv.includes('--quick');
  console.log(`codegod spare interpreters bench${quick ? ' (--quick sizes)' : ''}`);
  console.log(formatTable(await sparesBench(quick)));
}
