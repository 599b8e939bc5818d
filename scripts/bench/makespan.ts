// Issue 15's makespan goal: the seed's six-task Flask + React plan (examples/flask-react.plan.json)
// through the built CLI, embedded, with every role's real observer and validator and the plan's
// own acceptance checks, and a scripted LLM that takes 200 ms per call. The workspace is made
// ready first (Flask installed in the venv, the Node app, API, UI, Dockerfile and tests written),
// so each task's one action is a cheap read and every check passes: what remains is the LLM's
// latency and codegod's own cost around it. Ideal = critical path (3 tasks) × LLM calls per task
// × 200 ms; the goal is makespan / ideal <= 1.15. Side by side, the same plan without its
// acceptance checks shows what those cost; the per-task split shows where the rest goes.
// `--baseline <bin.js>` runs another build's CLI (e.g. main's, in its own worktree) in the same
// rounds, interleaved, and prints this build over it. Needs the dists (`npx tsc -b`).
// Run: npx tsx --conditions=@codegod/source scripts/bench/makespan.ts [--quick] [--baseline <bin.js>]
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { runWithSharedCommands, toolkitFor } from '@codegod/actions';
import { makeFlaskAppFixture, makeNodeMainFixture } from '@codegod/actions/fixtures';
import { planReply } from '@codegod/agents/testing';
import { startScriptedLlmServer } from '@codegod/llm/testing';
import type { RunReport, Task, TaskGraph } from '@codegod/protocol';
import { tempDir } from '@codegod/testkit';
import { type BenchRow, buildWithPlan, formatTable, isEntryPoint, ms } from './bench-table.js';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');
const CLI = join(ROOT, 'packages/cli/dist/bin.js');
const PLAN = join(ROOT, 'examples/flask-react.plan.json');
/** The scripted LLM's latency per call. */
const LATENCY_MS = 200;
/** The goal of issue 15: makespan over the ideal. */
const GOAL = 1.15;

/** Files that make every task's acceptance checks and role validator pass as they stand. */
const READY_FILES: Record<string, string> = {
  'api.py': 'from app import app\n\n\n@app.route("/api/ping")\ndef ping():\n    return "pong"\n',
  'src/ui.js':
    "const greet = require('greeting');\n\nmodule.exports = () => '<h1>' + greet('ui') + '</h1>';\n",
  Dockerfile: 'FROM python:3.11-slim\nCOPY . /app\nCMD ["python", "/app/app.py"]\n',
  'docker-compose.yml': 'services:\n  app:\n    build: .\n',
  'tests/app.test.js':
    "const test = require('node:test');\nconst assert = require('node:assert');\n\n" +
    "test('the UI greets', () => {\n  assert.match(require('../src/ui.js')(), /hello ui/);\n});\n",
};

/** The Flask and Node fixtures in one workspace, with what the plan's tasks would have built. */
export async function readyWorkspace(dir: string): Promise<{ workspace: string }> {
  const flask = await makeFlaskAppFixture(dir);
  const { workspace } = flask;
  await makeNodeMainFixture(dir);
  const packageJson = JSON.parse(await readFile(join(workspace, 'package.json'), 'utf8'));
  await writeFile(
    join(workspace, 'package.json'),
    JSON.stringify({ ...packageJson, main: 'src/index.js' }, null, 2),
  );
  for (const [path, content] of Object.entries(READY_FILES)) {
    await mkdir(join(workspace, path, '..'), { recursive: true });
    await writeFile(join(workspace, path), content);
  }
  await run(
    join(workspace, 'venv/bin/python'),
    ['-m', 'pip', 'install', '-q', '-r', 'requirements.txt'],
    {
      cwd: workspace,
      env: { ...process.env, ...flask.pipEnv },
    },
  );
  await run('npm', ['install', '--offline', '--no-audit', '--no-fund'], { cwd: workspace });
  return { workspace };
}

/** The heaviest dependency chain of `graph`, each task weighing `weight(task)`. */
function longestPath(graph: TaskGraph, weight: (task: Task) => number): number {
  const finish = new Map<string, number>();
  const byId = new Map(graph.tasks.map((task) => [task.id, task]));
  const of = (id: string): number => {
    const known = finish.get(id);
    if (known !== undefined) return known;
    const task = byId.get(id)!;
    const value = weight(task) + Math.max(0, ...task.depends_on.map(of));
    finish.set(id, value);
    return value;
  };
  return Math.max(...graph.tasks.map((task) => of(task.id)));
}

/**
 * A task's own observe + validate (health check and acceptance checks, commands shared as the
 * agent does) in the ready workspace, called directly: the cheapest of `times`.
 */
async function checkCost(task: Task, workspace: string, times: number): Promise<number> {
  const toolkit = toolkitFor(task.role);
  const context = { workspace, signal: AbortSignal.timeout(60_000) };
  let cheapest = Number.POSITIVE_INFINITY;
  for (let i = 0; i < times; i++) {
    const started = performance.now();
    await toolkit.observe(task, context);
    await runWithSharedCommands(async () => {
      await toolkit.validate(task, context);
      await toolkit.runChecks(task.acceptance ?? [], context);
    });
    cheapest = Math.min(cheapest, performance.now() - started);
  }
  return cheapest;
}

/** Runs `codegod build --plan` embedded to its end with the CLI `cli`; returns the run report. */
async function build(cli: string, env: NodeJS.ProcessEnv, planFile: string, workspace: string) {
  const report = await buildWithPlan(cli, env, 'bench: six-task plan', planFile, workspace);
  const failed = report.tasks.filter((task) => task.state !== 'succeeded');
  if (failed.length > 0) {
    throw new Error(
      `not all tasks succeeded: ${failed.map((t) => `${t.id}: ${t.output}`).join('; ')}`,
    );
  }
  return report;
}

/** Where a run's time went, summed over its tasks: in the agent loop beyond the LLM, and queued. */
function split(report: RunReport, callsPerTask: number) {
  let loop = 0;
  let queued = 0;
  for (const task of report.tasks) {
    loop += (task.duration_ms ?? 0) - callsPerTask * LATENCY_MS;
    queued += (task.started_at ?? 0) - (task.queued_at ?? 0);
  }
  const first = Math.min(...report.tasks.map((task) => task.queued_at ?? report.started_at));
  return {
    loopPerTask: loop / report.tasks.length,
    queuedPerTask: queued / report.tasks.length,
    beforeFirstTask: first - report.started_at,
  };
}

/**
 * The makespan rows: the plan with its checks and without, the fastest of `rounds` each; with
 * `baseline` (another build's CLI), the same for it and this build's makespan over its.
 */
export async function makespanBench(quick = false, baseline?: string): Promise<BenchRow[]> {
  const clis: Record<string, string> = {
    '': CLI,
    ...(baseline ? { ' (baseline)': baseline } : {}),
  };
  for (const cli of Object.values(clis)) {
    if (!existsSync(cli)) throw new Error(`${cli} is missing: run \`npx tsc -b\` first`);
  }
  const rounds = quick ? 2 : 5;
  const llm = await startScriptedLlmServer({
    rules: [
      {
        match: { phase: 'plan' },
        reply: planReply([{ action: 'read_file', args: { path: 'package.json' } }]),
        latencyMs: LATENCY_MS,
      },
    ],
  });
  const dir = await tempDir('codegod-bench-makespan-');
  try {
    const { workspace } = await readyWorkspace(dir.path);
    const graph = JSON.parse(await readFile(PLAN, 'utf8')) as TaskGraph;
    const unchecked = join(dir.path, 'unchecked.plan.json');
    await writeFile(
      unchecked,
      JSON.stringify({ tasks: graph.tasks.map(({ acceptance: _, ...task }) => task) }),
    );
    const plans = { 'with acceptance checks': PLAN, 'without acceptance checks': unchecked };
    const { REDIS_URL: _ignored, ...inherited } = process.env;
    const env = { ...inherited, VLLM_API_URL: llm.url, LLM_MODEL: 'scripted-model' };
    const best = new Map<string, { report: RunReport; calls: number; wallMs: number }>();
    // Each plan with each CLI, interleaved, so the machine's drifting load weighs on all alike.
    const variants = Object.entries(plans).flatMap(([plan, planFile]) =>
      Object.entries(clis).map(([label, cli]) => ({ name: `${plan}${label}`, planFile, cli })),
    );
    for (let round = 0; round < rounds; round++) {
      for (const { name, planFile, cli } of variants) {
        llm.resetStats();
        const started = performance.now();
        const report = await build(cli, env, planFile, workspace);
        const wallMs = performance.now() - started;
        const calls = llm.requests.length;
        const previous = best.get(name);
        if (!previous || (report.duration_ms ?? 0) < (previous.report.duration_ms ?? 0)) {
          best.set(name, { report, calls, wallMs });
        }
      }
    }
    const path = longestPath(graph, () => 1);
    const rows: BenchRow[] = [];
    for (const name of best.keys()) {
      const { report, calls, wallMs } = best.get(name)!;
      const callsPerTask = calls / report.tasks.length;
      const ideal = path * callsPerTask * LATENCY_MS;
      const makespan = report.duration_ms ?? Number.NaN;
      const ratio = makespan / ideal;
      const { loopPerTask, queuedPerTask, beforeFirstTask } = split(report, callsPerTask);
      rows.push({
        benchmark: `makespan / ideal, six-task plan, embedded, ${name}`,
        measured:
          `${ms(makespan)} / (${path} tasks × ${callsPerTask.toFixed(2)} calls × ${LATENCY_MS} ms) = ${ratio.toFixed(2)}; ` +
          `per task beyond the LLM ${ms(loopPerTask)}, queued ${ms(queuedPerTask)}; before the first task ${ms(beforeFirstTask)}; CLI wall ${ms(wallMs)}`,
        goal: name === 'with acceptance checks' ? `<= ${GOAL}` : 'report',
        ...(name === 'with acceptance checks' ? { met: ratio <= GOAL } : {}),
      });
    }
    // The ideal with the tasks' own checks in it: what codegod adds beyond the LLM and the
    // commands the roles and tasks ask for.
    const costs = new Map<string, number>();
    for (const task of graph.tasks) costs.set(task.id, await checkCost(task, workspace, 3));
    const withChecks = best.get('with acceptance checks')!;
    const callsPerTask = withChecks.calls / withChecks.report.tasks.length;
    const checked = longestPath(graph, (task) => callsPerTask * LATENCY_MS + costs.get(task.id)!);
    const span = withChecks.report.duration_ms ?? Number.NaN;
    rows.push({
      benchmark: "makespan / (LLM + the tasks' own observe + validate on the heaviest chain)",
      measured:
        `${ms(span)} / ${ms(checked)} = ${(span / checked).toFixed(2)}; observe + validate alone: ` +
        graph.tasks.map((task) => `${task.id} ${ms(costs.get(task.id)!)}`).join(', '),
      goal: 'report',
    });
    const slowest = [...best.get('with acceptance checks')!.report.tasks]
      .sort((a, b) => (b.duration_ms ?? 0) - (a.duration_ms ?? 0))
      .map((task) => `${task.id} ${ms(task.duration_ms ?? 0)}`);
    rows.push({
      benchmark: 'makespan: task durations, with acceptance checks (LLM 200 ms each)',
      measured: slowest.join(', '),
      goal: 'report',
    });
    if (baseline) {
      for (const name of Object.keys(plans)) {
        const span = (variant: string) => best.get(variant)!.report.duration_ms ?? Number.NaN;
        rows.push({
          benchmark: `makespan, this build / baseline, ${name}`,
          measured: `${ms(span(name))} / ${ms(span(`${name} (baseline)`))} = ${(span(name) / span(`${name} (baseline)`)).toFixed(2)}`,
          goal: 'report',
        });
      }
    }
    return rows;
  } finally {
    await llm.close();
    await dir.remove();
  }
}

if (isEntryPoint(import.meta.url)) {
  const quick = process.argv.includes('--quick');
  const at = process.argv.indexOf('--baseline');
  const rows = await makespanBench(quick, at > 0 ? resolve(process.argv[at + 1] ?? '') : undefined);
  console.log(`codegod makespan bench${quick ? ' (--quick sizes)' : ''}`);
  console.log(formatTable(rows));
}
