// Acceptance-check overhead per task, through the real built CLI (embedded) and the real
// backend toolkit, answered by the scripted LLM server. Every task's one action is a 50 ms
// `venv/bin/python -c "time.sleep(0.05)"`; the tasks carry checks:
//   command + file: `venv/bin/python -c "import sys"` and app.py matching a regex;
//   http:           `venv/bin/python -m http.server PORT` started in the sandbox, GET / -> 200.
// From each run report: per task, the time its validation spent in checks (the checks'
// duration_ms) against the rest of the task (its duration minus that), as a ratio. The same
// plan without checks runs in the same bench, so the per-task cost is also shown side by side.
// Needs `npx tsc -b` first. Run: npx tsx --conditions=@codegod/source scripts/bench/checks.ts [--quick]
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { startScriptedLlmServer } from '@codegod/llm/testing';
import type { AcceptanceCheck, RunReport, Task } from '@codegod/protocol';
import { freePort, tempDir } from '@codegod/testkit';
import { type BenchRow, buildWithPlan, formatTable, isEntryPoint, ms } from './bench-table.js';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');
const CLI = join(ROOT, 'packages/cli/dist/bin.js');
const SLEEP_ARGS = ['-c', 'import time; time.sleep(0.05)'];

const reasoning = {
  problem_analysis: 'the task needs one 50 ms command',
  root_causes: ['nothing has run yet'],
  approach: 'run the command',
  risks: [],
  success_criteria: ['the checks pass'],
  conclusion: 'run it',
};
// The one reply of an iteration: the Reasoning fields, then the plan.
const plan = {
  ...reasoning,
  steps: [
    {
      action: 'run_command',
      target: 'venv/bin/python',
      method: 'sleep 50 ms',
      expected: 'exit 0',
      args: { command: 'venv/bin/python', args: SLEEP_ARGS },
    },
  ],
  estimated_duration: '50 ms',
  confidence: 1,
};

/** A workspace the backend validates (a venv) with an app.py for the file check. */
async function prepareWorkspace() {
  const dir = await tempDir('codegod-bench-checks-');
  await run('python3', ['-m', 'venv', '--without-pip', join(dir.path, 'venv')]);
  await writeFile(join(dir.path, 'app.py'), 'def health():\n    return "ok"\n');
  return dir;
}

/** Backend tasks only: one worker runs them one after another, so http checks never share a port. */
function planGraph(size: number, acceptance: AcceptanceCheck[]): { tasks: Task[] } {
  return {
    tasks: Array.from({ length: size }, (_, i) => ({
      id: `t${i}`,
      description: `Bench task ${i}: run the 50 ms command`,
      role: 'backend' as const,
      depends_on: [],
      ...(acceptance.length > 0 ? { acceptance } : {}),
    })),
  };
}

/** Runs `codegod build --plan` embedded and returns its report; throws unless it succeeded. */
async function build(env: NodeJS.ProcessEnv, graph: { tasks: Task[] }): Promise<RunReport> {
  const workspace = await prepareWorkspace();
  try {
    const planFile = join(workspace.path, 'plan.json');
    await writeFile(planFile, JSON.stringify(graph));
    const report = await buildWithPlan(CLI, env, 'bench: checks', planFile, workspace.path);
    const proven = report.tasks.filter((t) => t.state === 'succeeded').length;
    if (proven !== report.tasks.length) throw new Error(`only ${proven} tasks succeeded`);
    return report;
  } finally {
    await workspace.remove();
  }
}

/** Mean per task: time in checks, the rest of the task, and the whole task. */
function perTask(report: RunReport) {
  let checks = 0;
  let whole = 0;
  for (const task of report.tasks) {
    const inChecks = (task.validation?.checks ?? []).reduce((sum, c) => sum + c.duration_ms, 0);
    checks += inChecks;
    whole += task.duration_ms ?? 0;
  }
  const n = report.tasks.length;
  return { checks: checks / n, rest: (whole - checks) / n, whole: whole / n };
}

const ratio = (a: number, b: number) => (b > 0 ? (a / b).toFixed(2) : 'n/a');

/** The check-overhead rows. */
export async function checkOverheadBench(quick: boolean): Promise<BenchRow[]> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npx tsc -b\` first`);
  const size = quick ? 10 : 30;
  const httpSize = quick ? 4 : 10;
  const llm = await startScriptedLlmServer({
    rules: [{ match: { phase: 'plan' }, reply: plan }],
  });
  const { REDIS_URL: _ignored, ...inherited } = process.env;
  const env = { ...inherited, VLLM_API_URL: llm.url, LLM_MODEL: 'scripted-model' };
  try {
    const port = await freePort();
    const cheap: AcceptanceCheck[] = [
      { type: 'command', argv: ['venv/bin/python', '-c', 'import sys'] },
      { type: 'file', path: 'app.py', content_regex: '^def health\\(\\):' },
    ];
    const http: AcceptanceCheck[] = [
      {
        type: 'http',
        service: ['venv/bin/python', '-m', 'http.server', String(port), '--bind', '127.0.0.1'],
        port,
        path: '/',
      },
    ];
    const none = perTask(await build(env, planGraph(size, [])));
    const withCheap = perTask(await build(env, planGraph(size, cheap)));
    const withHttp = perTask(await build(env, planGraph(httpSize, http)));
    const row = (name: string, n: number, figures: ReturnType<typeof perTask>): BenchRow => ({
      benchmark: `checks: ${name}, ${n} tasks`,
      measured: `per task: checks ${ms(figures.checks)}, rest of the task ${ms(figures.rest)}; checks/rest = ${ratio(figures.checks, figures.rest)}`,
      goal: 'report',
    });
    return [
      row('command + file', size, withCheap),
      row('http (service started and stopped)', httpSize, withHttp),
      {
        benchmark: 'checks: side by side',
        measured: `per task ${ms(none.whole)} without checks, ${ms(withCheap.whole)} with command + file (${ratio(withCheap.whole, none.whole)}x), ${ms(withHttp.whole)} with http (${ratio(withHttp.whole, none.whole)}x)`,
        goal: 'report',
      },
    ];
  } finally {
    await llm.close();
  }
}

if (isEntryPoint(import.meta.url)) {
  const quick = process.argv.includes('--quick');
  const rows = await checkOverheadBench(quick);
  console.log(`codegod acceptance-check overhead bench${quick ? ' (--quick sizes)' : ''}`);
  console.log(formatTable(rows));
}
