// End-to-end overhead of `codegod build` on a plan of independent tasks whose one action costs
// ~50 ms (backend and testing `run_command` of `venv/bin/python -c "time.sleep(0.05)"`), through
// the real CLI and the built dists with the real toolkits, answered by the scripted LLM server:
//   embedded:    the CLI with no REDIS_URL (master and one worker per role in its process);
//   distributed: a throwaway redis-server, the master service (its built dist) and one
//                agent-worker per role (services/agent-worker/dist), then the CLI with REDIS_URL.
// Both modes do the same work; the table gives wall times, per-task overhead beyond the
// measured action and the ratio distributed/embedded. Needs `npx tsc -b` first.
// Run: npx tsx --conditions=@codegod/source scripts/bench/e2e.ts [--quick]
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { toolkitFor } from '@codegod/actions';
import { startScriptedLlmServer } from '@codegod/llm/testing';
import { type Task, WORKER_ROLES, type WorkerRole } from '@codegod/protocol';
import { startRedisServer, tempDir } from '@codegod/testkit';
import { type BenchRow, buildWithPlan, formatTable, isEntryPoint, ms } from './bench-table.js';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');
const CLI = join(ROOT, 'packages/cli/dist/bin.js');
/** The built master service; its Bull Board listens on a free port (BULL_BOARD_PORT=0). */
const MASTER = join(ROOT, 'services/master-orchestrator/dist/main.js');
const WORKER = join(ROOT, 'services/agent-worker/dist/main.js');
/** The roles the tasks go to: the two whose allowlist has a Python to sleep with. */
const BUSY_ROLES: readonly WorkerRole[] = ['backend', 'testing'];
type Mode = 'embedded' | 'distributed';
/** The action every task's plan runs (one expression: the sandbox refuses `;` in arguments). */
const SLEEP_ARGS = ['-c', "__import__('time').sleep(0.05)"];

const reasoning = {
  problem_analysis: 'the task needs one 50 ms command',
  root_causes: ['nothing has run yet'],
  approach: 'run the command',
  risks: [],
  success_criteria: ['the command exits 0'],
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

/** A workspace both roles validate: a venv (backend) and one passing unittest (testing). */
async function prepareWorkspace() {
  const dir = await tempDir('codegod-bench-e2e-');
  await run('python3', ['-m', 'venv', '--without-pip', join(dir.path, 'venv')]);
  await writeFile(
    join(dir.path, 'test_ok.py'),
    'import unittest\n\n\nclass Ok(unittest.TestCase):\n    def test_ok(self):\n        pass\n',
  );
  return dir;
}

/** Mean cost of the action alone (spawn + 50 ms sleep), measured here, outside codegod. */
async function actionCost(workspace: string, times: number): Promise<number> {
  const python = join(workspace, 'venv/bin/python');
  await run(python, SLEEP_ARGS);
  const started = performance.now();
  for (let i = 0; i < times; i++) await run(python, SLEEP_ARGS, { cwd: workspace });
  return (performance.now() - started) / times;
}

/** Mean cost of one observe plus one validate of `role`'s real toolkit, called directly. */
async function checkCost(role: WorkerRole, workspace: string, times: number): Promise<number> {
  const toolkit = toolkitFor(role);
  const task: Task = { id: 'probe', description: 'probe', role, depends_on: [] };
  const context = { workspace, signal: AbortSignal.timeout(60_000) };
  await toolkit.observe(task, context);
  const started = performance.now();
  for (let i = 0; i < times; i++) {
    await toolkit.observe(task, context);
    const validation = await toolkit.validate(task, context);
    if (!validation.valid)
      throw new Error(`${role} workspace does not validate: ${validation.output}`);
  }
  return (performance.now() - started) / times;
}

function planGraph(size: number): { tasks: Task[] } {
  return {
    tasks: Array.from({ length: size }, (_, i) => ({
      id: `t${i}`,
      description: `Bench task ${i}: run the 50 ms command`,
      role: BUSY_ROLES[i % BUSY_ROLES.length]!,
      depends_on: [],
    })),
  };
}

/** Runs `codegod build` to its end; returns its wall time and the run report it printed. */
async function build(env: NodeJS.ProcessEnv, planFile: string, workspace: string) {
  const started = performance.now();
  const report = await buildWithPlan(CLI, env, 'bench: 50 ms tasks', planFile, workspace);
  const wallMs = performance.now() - started;
  const succeeded = report.tasks.filter((t) => t.state === 'succeeded').length;
  if (succeeded !== report.tasks.length)
    throw new Error(`only ${succeeded}/${report.tasks.length} tasks succeeded`);
  const runMs = report.duration_ms ?? Number.NaN;
  // The role whose worker was busy longest bounds the run; its tasks ran one after another.
  const busy = BUSY_ROLES.map((role) => {
    const tasks = report.tasks.filter((t) => t.role === role);
    const inLoop = tasks.reduce((sum, t) => sum + (t.duration_ms ?? 0), 0);
    return { role, tasks: tasks.length, inLoop };
  }).sort((a, b) => b.inLoop - a.inLoop)[0]!;
  return {
    wallMs,
    runMs,
    role: busy.role,
    perTaskMs: runMs / busy.tasks,
    loopMs: busy.inLoop / busy.tasks,
  };
}

/** One build, with its action and toolkit-check costs sampled just before it. */
type Measured = Awaited<ReturnType<typeof build>> & { actionMs: number; checkMs: number };

/** Starts a service dist; resolves once it logs `readyMessage`. */
export function startService(file: string, env: NodeJS.ProcessEnv, readyMessage: string) {
  const loader = file.endsWith('.ts') ? ['--import', 'tsx'] : [];
  const child = spawn(process.execPath, [...loader, file], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const ready = new Promise<void>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`${file} not ready in 60 s:\n${log}`)), 60_000);
    const onData = (chunk: Buffer) => {
      log = (log + chunk).slice(-4000);
      if (log.includes(readyMessage)) {
        clearTimeout(timer);
        done();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`${file} exited ${code} before it was ready:\n${log}`));
    });
  });
  return { child, ready };
}

/** SIGTERM, then SIGKILL after 10 s, for a process this bench started. */
export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((done) => child.once('exit', done));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/**
 * The e2e rows: embedded, distributed and their ratio, each from the fastest of `rounds`
 * builds; overhead is split into time inside the agent loop and the gap between tasks. The
 * toolkit's observe + validate, timed alone before each build, shows how much of the loop is
 * the role's own checks (two to five child processes per task) rather than codegod.
 */
export async function e2eBench(quick: boolean): Promise<BenchRow[]> {
  for (const file of [CLI, MASTER, WORKER]) {
    if (!existsSync(file)) throw new Error(`${file} is missing: run \`npx tsc -b\` first`);
  }
  const size = quick ? 20 : 50;
  const rounds = quick ? 1 : 3;
  const llm = await startScriptedLlmServer({
    rules: [{ match: { phase: 'plan' }, reply: plan }],
  });
  const redis = await startRedisServer();
  const services: ChildProcess[] = [];
  const dirs: { path: string; remove: () => Promise<void> }[] = [];
  const { REDIS_URL: _ignored, ...inherited } = process.env;
  const env = {
    ...inherited,
    VLLM_API_URL: llm.url,
    LLM_MODEL: 'scripted-model',
    LOG_LEVEL: 'info',
  };
  try {
    const scratch = await prepareWorkspace();
    dirs.push(scratch);
    const planFile = join(scratch.path, 'plan.json');
    await writeFile(planFile, JSON.stringify(planGraph(size)));

    const fleetEnv = { ...env, REDIS_URL: redis.url };
    const master = startService(MASTER, { ...fleetEnv, BULL_BOARD_PORT: '0' }, 'master ready');
    services.push(master.child);
    const workers = WORKER_ROLES.map((role) =>
      startService(WORKER, { ...fleetEnv, AGENT_ROLE: role }, 'agent worker ready'),
    );
    services.push(...workers.map((w) => w.child));
    await Promise.all([master.ready, ...workers.map((w) => w.ready)]);

    const best: Partial<Record<Mode, Measured>> = {};
    for (let round = 0; round < rounds; round++) {
      for (const mode of ['embedded', 'distributed'] as const) {
        const workspace = await prepareWorkspace();
        dirs.push(workspace);
        // Sampled right before the build, as the machine's load drifts between builds.
        const actionMs = await actionCost(workspace.path, 5);
        const checks = new Map<WorkerRole, number>();
        for (const role of BUSY_ROLES) checks.set(role, await checkCost(role, workspace.path, 3));
        const built = await build(mode === 'embedded' ? env : fleetEnv, planFile, workspace.path);
        const measured = { ...built, actionMs, checkMs: checks.get(built.role)! };
        if (measured.runMs < (best[mode]?.runMs ?? Number.POSITIVE_INFINITY)) best[mode] = measured;
      }
    }
    const fastest = best as Record<Mode, Measured>; // every mode ran at least once
    const overhead = (mode: Mode) => fastest[mode].perTaskMs - fastest[mode].actionMs;
    const row = (mode: Mode): BenchRow => {
      const { wallMs, runMs, role, perTaskMs, loopMs, actionMs } = fastest[mode];
      return {
        benchmark: `e2e codegod build, ${size} tasks, ${mode}`,
        measured:
          `CLI wall ${ms(wallMs)}, run ${ms(runMs)}; per ${role} task ${ms(perTaskMs)} = action ${ms(actionMs)} ` +
          `+ overhead ${ms(overhead(mode))} (in agent loop ${ms(loopMs - actionMs)}, between tasks ${ms(perTaskMs - loopMs)})`,
        goal: 'report',
      };
    };
    const ratio = (f: (mode: Mode) => number) => (f('distributed') / f('embedded')).toFixed(2);
    const { embedded, distributed } = fastest;
    return [
      row('embedded'),
      row('distributed'),
      {
        benchmark: 'e2e distributed / embedded',
        measured: `CLI wall ${ratio((m) => fastest[m].wallMs)}x, run ${ratio((m) => fastest[m].runMs)}x, per-task overhead ${ratio(overhead)}x`,
        goal: 'report',
      },
      {
        benchmark: 'e2e reference: toolkit observe + validate',
        measured: `${embedded.role} ${ms(embedded.checkMs)} before the embedded build, ${distributed.role} ${ms(distributed.checkMs)} before the distributed one`,
        goal: 'report',
      },
    ];
  } finally {
    await Promise.all(services.map(stop));
    await redis.stop();
    await llm.close();
    await Promise.all(dirs.map((d) => d.remove()));
  }
}

if (isEntryPoint(import.meta.url)) {
  const quick = process.argv.includes('--quick');
  const rows = await e2eBench(quick);
  console.log(`codegod end-to-end bench${quick ? ' (--quick sizes)' : ''}`);
  console.log(formatTable(rows));
}
