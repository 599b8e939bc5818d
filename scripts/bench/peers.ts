// codegod against its peers (issue 15's acceptance), measured side by side in one run on the
// same DAG shapes (the 6-task flask-react plan, a chain, a wide fan-out) with the same scripted
// OpenAI-compatible server (packages/testkit's, through @codegod/llm/testing):
//   LangGraph.js:  a StateGraph with one node per task, each node one LLM call (in this process);
//   plain BullMQ:  one job per task, the worker makes the call and releases the dependents
//                  (bench/peers/bullmq-dag.mjs, its own process);
//   embedded:      startEmbeddedFleet in this process, the real toolkits;
//   distributed:   a throwaway redis-server, the built master service and one agent-worker per
//                  role, runs submitted with the built CLI (`codegod build --plan`).
// The peers live in bench/peers (not a workspace, not a dependency of codegod), installed here
// on first use. Every codegod task's one LLM reply plans one `read_file`, and the role's real
// observe and validate run over a workspace they pass on the first iteration. The framework
// rows give every task to devops (a Dockerfile check, no child process), so they compare
// scheduling and the agent loop rather than Python start-up; the makespan row runs the 6-task
// plan with its own roles. Rounds interleave the systems; each figure is a median of rounds.
// Needs the dists (`npx tsc -b`).
// Run: npx tsx --conditions=@codegod/source scripts/bench/peers.ts [--quick]
import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { type CommandRunner, createCommandRunner } from '@codegod/actions';
import { defaultToolkits, SERVICE_PROCESS_ENV, startEmbeddedFleet } from '@codegod/fleet';
import { createLlmClient } from '@codegod/llm';
import { startScriptedLlmServer } from '@codegod/llm/testing';
import {
  type RunReport,
  type Task,
  taskGraphSchema,
  WORKER_ROLES,
  type WorkerRole,
} from '@codegod/protocol';
import { startRedisServer, tempDir } from '@codegod/testkit';
import { Redis } from 'ioredis';
import { type BenchRow, buildWithPlan, formatTable, isEntryPoint, ms } from './bench-table.js';
import { startService, stop } from './e2e.js';
import { processesBench } from './processes.js';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');
const PEERS = join(ROOT, 'bench/peers');
const CLI = join(ROOT, 'packages/cli/dist/bin.js');
const MASTER = join(ROOT, 'services/master-orchestrator/dist/main.js');
const WORKER = join(ROOT, 'services/agent-worker/dist/main.js');
/** Tasks a framework measurement spans at least (a 6-task plan runs 3 times in a row). */
const MIN_TASKS_PER_SAMPLE = 20;
/** The scripted server's delay per call for the makespan figure. */
const LATENCY_MS = 200;
/** The one reply of every iteration: the Reasoning fields, then a plan of one `read_file`. */
export const PLAN_REPLY = {
  problem_analysis: 'the task is already done in this workspace',
  root_causes: ['nothing is missing'],
  approach: 'read the Dockerfile to confirm',
  risks: [],
  success_criteria: ['the role health check passes'],
  conclusion: 'read it',
  steps: [
    {
      action: 'read_file',
      target: 'Dockerfile',
      method: 'read',
      expected: 'the Dockerfile',
      args: { path: 'Dockerfile' },
    },
  ],
  estimated_duration: '1 s',
  confidence: 1,
};

/** A DAG shape, with its critical path in tasks. */
interface Shape {
  name: string;
  tasks: Task[];
  criticalPath: number;
}

function longestChain(tasks: readonly Task[]): number {
  const depth = new Map<string, number>();
  for (const task of tasks) {
    depth.set(task.id, 1 + Math.max(0, ...task.depends_on.map((d) => depth.get(d) ?? 0)));
  }
  return Math.max(...depth.values());
}

function shape(name: string, tasks: Task[]): Shape {
  return { name, tasks, criticalPath: longestChain(tasks) };
}

/** The flask-react example plan (6 tasks, 3 levels), its checks dropped; `role` overrides. */
function planSix(role?: WorkerRole): Shape {
  const file = readFileSync(join(ROOT, 'examples/flask-react.plan.json'), 'utf8');
  const { tasks } = taskGraphSchema.parse(JSON.parse(file));
  return shape(
    '6-task plan',
    tasks.map(({ acceptance: _checks, ...task }) => ({ ...task, role: role ?? task.role })),
  );
}

function chain(size: number, role: WorkerRole): Shape {
  const tasks = Array.from({ length: size }, (_, i) => ({
    id: `c${i}`,
    description: `Chain task ${i}`,
    role,
    depends_on: i === 0 ? [] : [`c${i - 1}`],
  }));
  return shape(`chain of ${size}`, tasks);
}

function fanOut(size: number, role: WorkerRole): Shape {
  const tasks = Array.from({ length: size }, (_, i) => ({
    id: `f${i}`,
    description: `Fan-out task ${i}`,
    role,
    depends_on: i === 0 ? [] : ['f0'],
  }));
  return shape(`fan-out of ${size}`, tasks);
}

/** Installs bench/peers (LangGraph.js, BullMQ) from its lockfile when it is not there yet. */
export function installPeers(): void {
  const installed = ['@langchain/langgraph', 'bullmq'].every((name) =>
    existsSync(join(PEERS, 'node_modules', name, 'package.json')),
  );
  if (installed) return;
  process.stderr.write('peers bench: installing bench/peers (LangGraph.js, BullMQ)\n');
  execFileSync('npm', ['install', '--prefix', PEERS, '--no-audit', '--no-fund'], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

/**
 * CPU time a process has used so far, in ms: the sum over its threads of the time they spent
 * on a CPU (/proc/<pid>/task/<tid>/schedstat, in ns), far finer than /proc/<pid>/stat's 10 ms
 * ticks, which a 6-task run of the BullMQ peer would fill only three of.
 */
function cpuMs(pid: number): number {
  let nanoseconds = 0;
  for (const thread of readdirSync(`/proc/${pid}/task`)) {
    try {
      nanoseconds += Number(
        readFileSync(`/proc/${pid}/task/${thread}/schedstat`, 'utf8').split(' ')[0],
      );
    } catch {
      // the thread ended while we looked
    }
  }
  return nanoseconds / 1e6;
}

/** The pid of the redis-server this bench started on `port` (it titles itself `*:port`). */
function redisPid(port: number): number {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const command = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (command.includes('redis-server') && command.includes(`:${port}`)) return Number(entry);
    } catch {
      // the process ended while we looked
    }
  }
  throw new Error(`no redis-server on port ${port} in /proc`);
}

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

/** CPU used by `pids` together while `work` runs, in ms. */
async function cpuDuring<T>(pids: number[], work: () => Promise<T>) {
  const before = pids.map(cpuMs);
  const result = await work();
  const used = pids.map((pid, i) => cpuMs(pid) - before[i]!);
  return { result, used, total: sum(used) };
}

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

/** A workspace every role validates on the first iteration, each with as few processes as it can. */
async function prepareWorkspace(withPython: boolean) {
  const dir = await tempDir('codegod-bench-peers-');
  // devops: a Dockerfile whose COPY source exists (checked by reading, no process).
  await writeFile(join(dir.path, 'app.py'), 'def health():\n    return "ok"\n');
  await writeFile(join(dir.path, 'Dockerfile'), 'FROM python:3.12-slim\nCOPY app.py /app/\n');
  if (withPython) {
    // backend: a venv; testing: one passing unittest; frontend: an entry point that loads.
    await run('python3', ['-m', 'venv', '--without-pip', join(dir.path, 'venv')]);
    await writeFile(
      join(dir.path, 'test_ok.py'),
      'import unittest\n\n\nclass Ok(unittest.TestCase):\n    def test_ok(self):\n        pass\n',
    );
    await writeFile(
      join(dir.path, 'package.json'),
      JSON.stringify({ name: 'bench', version: '1.0.0', main: 'index.js' }),
    );
    await writeFile(join(dir.path, 'index.js'), 'module.exports = {};\n');
  }
  return dir;
}

/** The plain BullMQ peer's process: one run per line in, one result per line out. */
async function startBullmqPeer(redisUrl: string, llmUrl: string) {
  const child = spawn(process.execPath, [join(PEERS, 'bullmq-dag.mjs')], {
    env: { ...process.env, REDIS_URL: redisUrl, LLM_URL: llmUrl },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const first = await lines.next();
  if (first.value !== 'ready') throw new Error(`the BullMQ peer did not start: ${first.value}`);
  return {
    child,
    async runDag(tasks: Task[]): Promise<{ wallMs: number }> {
      child.stdin!.write(`${JSON.stringify({ tasks })}\n`);
      const line = await lines.next();
      if (line.done) throw new Error('the BullMQ peer exited');
      return JSON.parse(line.value) as { wallMs: number };
    },
  };
}

/** The LangGraph.js peer (bench/peers/langgraph-dag.mjs), loaded from bench/peers. */
async function loadLangGraphPeer() {
  const url = pathToFileURL(join(PEERS, 'langgraph-dag.mjs')).href;
  return (await import(url)) as {
    runLangGraphDag(tasks: Task[], llmUrl: string): Promise<string[]>;
  };
}

/** Runs `codegod build --plan` through the built CLI; returns the report, or throws. */
async function buildWithCli(env: NodeJS.ProcessEnv, tasks: Task[], workspace: string) {
  const planFile = join(workspace, '.plan.json');
  await writeFile(planFile, JSON.stringify({ tasks }));
  return succeeded(await buildWithPlan(CLI, env, 'peers bench', planFile, workspace));
}

function succeeded(report: RunReport): RunReport {
  if (report.state !== 'succeeded') {
    throw new Error(`the bench run ${report.state}: ${report.reason ?? ''}`);
  }
  return report;
}

/**
 * Where a run's time went, from its report: the median task (queued to ended), the median gap
 * between a task's last dependency ending and the task starting, and the time from the run's
 * start to its first task starting.
 */
function makespanParts(report: RunReport): Record<string, number> {
  const ended = new Map(report.tasks.map((t) => [t.id, t.ended_at ?? Number.NaN]));
  const durations = report.tasks.map(
    (t) => (t.ended_at ?? Number.NaN) - (t.started_at ?? Number.NaN),
  );
  const gaps = report.tasks
    .filter((t) => t.depends_on.length > 0)
    .map((t) => (t.started_at ?? Number.NaN) - Math.max(...t.depends_on.map((d) => ended.get(d)!)));
  const firstStart = Math.min(...report.tasks.map((t) => t.started_at ?? Number.NaN));
  return {
    task: median(durations),
    gap: median(gaps),
    start: firstStart - report.started_at,
  };
}

/** Per-shape medians of one figure for each system, and their ratio. */
type Samples = Map<string, number[]>;
function sample(samples: Samples, key: string, value: number) {
  samples.set(key, [...(samples.get(key) ?? []), value]);
}

/** The bench's rows: per-shape figures (report), then the acceptance rows with their goals. */
export async function peersBench(
  quick: boolean,
  options: { processes?: BenchRow[] } = {},
): Promise<BenchRow[]> {
  for (const file of [CLI, MASTER, WORKER]) {
    if (!existsSync(file)) throw new Error(`${file} is missing: run \`npx tsc -b\` first`);
  }
  installPeers();
  const rounds = quick ? 3 : 5;
  const frameworkShapes = [
    planSix('devops'),
    chain(quick ? 20 : 50, 'devops'),
    fanOut(quick ? 20 : 50, 'devops'),
  ];
  const bigChain = quick ? 200 : 1_000;
  const rssAt = quick ? [200, 2_000] : [1_000, 10_000];

  const server = await startScriptedLlmServer({ rules: [{ reply: PLAN_REPLY }] });
  const setLatency = (latencyMs: number) =>
    server.setRules([{ reply: PLAN_REPLY, ...(latencyMs > 0 ? { latencyMs } : {}) }]);
  const redis = await startRedisServer();
  const services: ChildProcess[] = [];
  const dirs: { remove(): Promise<void> }[] = [];
  const { REDIS_URL: _ignored, ...inherited } = process.env;
  const limitsEnv = { CODEGOD_MAX_TASKS: '20000', CODEGOD_MAX_RUN_TOKENS: '1000000000' };
  const env = {
    ...inherited,
    ...limitsEnv,
    VLLM_API_URL: server.url,
    LLM_MODEL: 'scripted-model',
    LOG_LEVEL: 'info',
  };
  const fleetEnv = { ...env, REDIS_URL: redis.url };
  let runner: CommandRunner;
  try {
    runner = createCommandRunner();
  } catch {
    runner = createCommandRunner({ sandbox: 'none' });
  }
  const fleet = await startEmbeddedFleet({
    llm: createLlmClient({ baseURL: server.url, model: 'scripted-model' }),
    toolkits: defaultToolkits({ runner }),
    limits: { maxTasks: 20_000, maxTokens: 1_000_000_000 },
  });
  let bullmq: Awaited<ReturnType<typeof startBullmqPeer>> | undefined;
  let admin: Redis | undefined;
  try {
    const devopsSpace = await prepareWorkspace(false);
    const fullSpace = await prepareWorkspace(true);
    dirs.push(devopsSpace, fullSpace);
    const master = startService(MASTER, { ...fleetEnv, BULL_BOARD_PORT: '0' }, 'master ready');
    const workers = WORKER_ROLES.map((role) =>
      startService(WORKER, { ...fleetEnv, AGENT_ROLE: role }, 'agent worker ready'),
    );
    services.push(master.child, ...workers.map((w) => w.child));
    await Promise.all([master.ready, ...workers.map((w) => w.ready)]);
    const fleetPids = services.map((s) => s.pid!);
    const redisProcess = redisPid(redis.port);
    admin = new Redis(redis.url);
    const stats = admin;
    /** Commands the redis-server has processed so far (the CLI's following included). */
    const redisCommands = async () =>
      Number(/total_commands_processed:(\d+)/.exec(await stats.info('stats'))?.[1]);
    bullmq = await startBullmqPeer(redis.url, server.url);
    const bullmqPid = bullmq.child.pid!;
    const { runLangGraphDag } = await loadLangGraphPeer();

    const embeddedRun = async (tasks: Task[], workspace: string) => {
      const report = await fleet.orchestrator.run({
        problem: 'peers bench',
        workspace,
        plan: { tasks },
      });
      return succeeded(report);
    };

    // 1. Zero latency, framework shapes, the four systems interleaved within each round.
    setLatency(0);
    const wallPerNode: Samples = new Map();
    const cpuPerTask: Samples = new Map();
    const commandsPerTask: Samples = new Map();
    for (let round = 0; round < rounds; round++) {
      for (const { name, tasks } of frameworkShapes) {
        // A small shape runs several times per measurement, so each one spans about as many
        // tasks as the larger shapes and a hiccup of the shared machine weighs less.
        const times = Math.max(1, Math.round(MIN_TASKS_PER_SAMPLE / tasks.length));
        const count = times * tasks.length;
        // The scripted server records every request; cleared before each measurement, so the
        // bench process's heap does not grow by every request body seen so far (codegod's
        // requests, prompt and reply schema, are ~14 kB against a peer's few hundred bytes).
        const repeat = async (once: () => Promise<unknown>) => {
          server.resetStats();
          for (let i = 0; i < times; i++) await once();
        };
        let started = performance.now();
        await repeat(() => runLangGraphDag(tasks, server.url));
        sample(wallPerNode, `langgraph ${name}`, (performance.now() - started) / count);
        started = performance.now();
        await repeat(() => embeddedRun(tasks, devopsSpace.path));
        sample(wallPerNode, `embedded ${name}`, (performance.now() - started) / count);
        const peer = bullmq;
        let commands = await redisCommands();
        const raw = await cpuDuring([bullmqPid, redisProcess], () =>
          repeat(() => peer.runDag(tasks)),
        );
        sample(cpuPerTask, `bullmq ${name}`, raw.total / count);
        sample(cpuPerTask, `bullmq process ${name}`, raw.used[0]! / count);
        sample(cpuPerTask, `bullmq redis ${name}`, raw.used[1]! / count);
        sample(commandsPerTask, `bullmq ${name}`, ((await redisCommands()) - commands) / count);
        commands = await redisCommands();
        const distributed = await cpuDuring([...fleetPids, redisProcess], () =>
          repeat(() => buildWithCli(fleetEnv, tasks, devopsSpace.path)),
        );
        sample(cpuPerTask, `distributed ${name}`, distributed.total / count);
        // fleetPids is the master, then one worker per role; redis-server comes last.
        const [masterCpu = 0, ...rest] = distributed.used;
        const redisCpu = rest.pop() ?? 0;
        sample(cpuPerTask, `distributed master ${name}`, masterCpu / count);
        sample(cpuPerTask, `distributed workers ${name}`, sum(rest) / count);
        sample(cpuPerTask, `distributed redis ${name}`, redisCpu / count);
        sample(
          commandsPerTask,
          `distributed ${name}`,
          ((await redisCommands()) - commands) / count,
        );
      }
    }

    // 2. The master's CPU per task in chains of 10 and of `bigChain` tasks (distributed): the
    // total over several short runs against one long run per round, so each side counts
    // about as many tasks.
    const masterCpu = new Map<number, { cpu: number; tasks: number }>();
    for (let round = 0; round < (quick ? 1 : 2); round++) {
      for (const size of [10, bigChain]) {
        const runs = size === 10 ? 5 : 1;
        for (let i = 0; i < runs; i++) {
          const { total } = await cpuDuring([master.child.pid!], () =>
            buildWithCli(fleetEnv, chain(size, 'devops').tasks, devopsSpace.path),
          );
          const sum = masterCpu.get(size) ?? { cpu: 0, tasks: 0 };
          masterCpu.set(size, { cpu: sum.cpu + total, tasks: sum.tasks + size });
        }
      }
    }
    const masterPerTask = new Map(
      [...masterCpu].map(([size, { cpu, tasks }]) => [String(size), [cpu / tasks]]),
    );

    // 3. 200 ms a call: the 6-task plan with its own roles and real checks, both modes.
    setLatency(LATENCY_MS);
    const plan = planSix();
    const makespan: Samples = new Map();
    let callsPerTask = 0;
    for (let round = 0; round < rounds; round++) {
      for (const mode of ['embedded', 'distributed'] as const) {
        server.resetStats();
        const report =
          mode === 'embedded'
            ? await embeddedRun(plan.tasks, fullSpace.path)
            : await buildWithCli(fleetEnv, plan.tasks, fullSpace.path);
        const calls = server.requests.length / plan.tasks.length;
        callsPerTask = Math.max(callsPerTask, calls);
        sample(makespan, mode, report.duration_ms ?? Number.NaN);
        for (const [key, value] of Object.entries(makespanParts(report))) {
          sample(makespan, `${mode} ${key}`, value);
        }
      }
    }
    setLatency(0);

    // 4. RSS of one long-lived embedded process (its own, so nothing else here counts).
    const rss = await embeddedRss(env, devopsSpace.path, rssAt);

    // 5. Processes per observe + validate (processes.ts), unless all.ts measured them already.
    const processRows = options.processes ?? (await processesBench());
    const processes = processRows.find((row) => row.benchmark.includes('mean over the seed roles'));
    if (!processes) throw new Error('processes.ts printed no mean over the seed roles');

    return peerRows({
      shapes: frameworkShapes,
      wallPerNode,
      cpuPerTask,
      commandsPerTask,
      masterPerTask,
      bigChain,
      plan,
      makespan,
      callsPerTask,
      rss,
      rssAt,
      processes,
      rounds,
    });
  } finally {
    if (bullmq) {
      bullmq.child.stdin!.end();
      await stop(bullmq.child);
    }
    admin?.disconnect();
    await fleet.close();
    await Promise.all(services.map(stop));
    await redis.stop();
    await server.close();
    await Promise.all(dirs.map((d) => d.remove()));
  }
}

/** RSS after each count of `at` tasks in one embedded process (scripts/bench/peers-rss.ts). */
async function embeddedRss(env: NodeJS.ProcessEnv, workspace: string, at: number[]) {
  const script = join(import.meta.dirname, 'peers-rss.ts');
  const { stdout } = await run(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', '--conditions=@codegod/source', script, ...at.map(String)],
    {
      // With the malloc arenas the fleet's services run with (SERVICE_PROCESS_ENV): glibc's
      // default moves this process's RSS by tens of MB over a flat heap, either way between runs.
      env: { ...env, ...SERVICE_PROCESS_ENV, PEERS_WORKSPACE: workspace },
      maxBuffer: 1 << 20,
      cwd: ROOT,
    },
  );
  const line = stdout.trim().split('\n').at(-1)!;
  return JSON.parse(line) as { tasks: number; rssMb: number; heapMb: number }[];
}

interface Measured {
  shapes: Shape[];
  wallPerNode: Samples;
  cpuPerTask: Samples;
  commandsPerTask: Samples;
  masterPerTask: Samples;
  bigChain: number;
  plan: Shape;
  makespan: Samples;
  callsPerTask: number;
  rss: { tasks: number; rssMb: number; heapMb: number }[];
  rssAt: number[];
  processes: BenchRow;
  rounds: number;
}

function peerRows(m: Measured): BenchRow[] {
  const rows: BenchRow[] = [];
  const of = (samples: Samples, key: string) => median(samples.get(key) ?? [Number.NaN]);
  const perShape = (samples: Samples, ours: string, theirs: string, unit: (v: number) => string) =>
    m.shapes.map(({ name }) => {
      const a = of(samples, `${ours} ${name}`);
      const b = of(samples, `${theirs} ${name}`);
      return { name, a, b, ratio: a / b, text: `${name}: ${unit(a)} vs ${unit(b)}` };
    });
  const decimals = (v: number) => `${v.toFixed(2)} ms`;
  const walls = perShape(m.wallPerNode, 'embedded', 'langgraph', decimals);
  const cpus = perShape(m.cpuPerTask, 'distributed', 'bullmq', decimals);
  for (const w of walls) {
    rows.push({
      benchmark: `peers: wall per node, ${w.name}, embedded vs LangGraph.js (${m.rounds} rounds)`,
      measured: `${decimals(w.a)} vs ${decimals(w.b)} = ${w.ratio.toFixed(2)}`,
      goal: 'report',
    });
  }
  for (const c of cpus) {
    rows.push({
      benchmark: `peers: CPU per task, ${c.name}, distributed vs plain BullMQ (${m.rounds} rounds)`,
      measured: `${decimals(c.a)} vs ${decimals(c.b)} = ${c.ratio.toFixed(2)}`,
      goal: 'report',
    });
  }
  for (const { name } of m.shapes) {
    const part = (key: string) => decimals(of(m.cpuPerTask, `${key} ${name}`));
    rows.push({
      benchmark: `peers: CPU per task by process, ${name}`,
      measured: `distributed: master ${part('distributed master')}, workers ${part('distributed workers')}, redis ${part('distributed redis')}; BullMQ: its process ${part('bullmq process')}, redis ${part('bullmq redis')}`,
      goal: 'report',
    });
  }
  for (const r of perShape(m.commandsPerTask, 'distributed', 'bullmq', (v) => v.toFixed(0))) {
    rows.push({
      benchmark: `peers: Redis commands per task, ${r.name}, distributed vs plain BullMQ`,
      measured: `${r.a.toFixed(0)} vs ${r.b.toFixed(0)} = ${r.ratio.toFixed(2)}`,
      goal: 'report',
    });
  }
  const worst = (list: { ratio: number }[]) => Math.max(...list.map((x) => x.ratio));
  const ratios = (list: { name: string; ratio: number }[]) =>
    list.map((x) => x.ratio.toFixed(2)).join(' / ');
  const shapeNames = m.shapes.map((s) => s.name).join(' / ');
  const ideal = m.plan.criticalPath * m.callsPerTask * LATENCY_MS;
  const makespanRatio = (mode: string) => of(m.makespan, mode) / ideal;
  const masterSmall = of(m.masterPerTask, '10');
  const masterBig = of(m.masterPerTask, String(m.bigChain));
  const [rssSmall, rssBig] = m.rss;
  const rssRatio = rssBig!.rssMb / rssSmall!.rssMb;
  for (const mode of ['embedded', 'distributed'] as const) {
    rows.push({
      benchmark: `peers: makespan parts at ${LATENCY_MS} ms a call, ${mode}`,
      measured: `task ${ms(of(m.makespan, `${mode} task`))} (one call ${LATENCY_MS} ms), gap after dependencies ${ms(of(m.makespan, `${mode} gap`))}, start to first task ${ms(of(m.makespan, `${mode} start`))}`,
      goal: 'report',
    });
  }
  rows.push(
    {
      benchmark: 'acceptance: LLM calls per task on a first-time success',
      measured: `${m.callsPerTask.toFixed(2)} (6-task plan, real roles, every run)`,
      goal: '1.00',
      met: m.callsPerTask === 1,
    },
    ...(['embedded', 'distributed'] as const).map((mode) => ({
      benchmark: `acceptance: makespan / (critical path x calls x ${LATENCY_MS} ms), ${mode}`,
      measured: `${ms(of(m.makespan, mode))} / (${m.plan.criticalPath} x ${m.callsPerTask.toFixed(2)} x ${LATENCY_MS} ms) = ${makespanRatio(mode).toFixed(2)}`,
      goal: '<= 1.15',
      met: makespanRatio(mode) <= 1.15,
    })),
    {
      benchmark: 'acceptance: embedded per node / LangGraph.js',
      measured: `${ratios(walls)} (${shapeNames})`,
      goal: '<= 1.0 each',
      met: worst(walls) <= 1.0,
    },
    {
      benchmark: 'acceptance: distributed CPU per task / plain BullMQ',
      measured: `${ratios(cpus)} (${shapeNames})`,
      goal: '<= 1.5 each',
      met: worst(cpus) <= 1.5,
    },
    {
      benchmark: `acceptance: master CPU per task, chain of ${m.bigChain} / of 10`,
      measured: `${decimals(masterBig)} / ${decimals(masterSmall)} = ${(masterBig / masterSmall).toFixed(2)}`,
      goal: '<= 1.2',
      met: masterBig / masterSmall <= 1.2,
    },
    {
      benchmark: 'acceptance: processes per observe + validate (processes.ts)',
      measured: m.processes.measured,
      goal: m.processes.goal,
      ...(m.processes.met === undefined ? {} : { met: m.processes.met }),
    },
    {
      benchmark: `acceptance: embedded RSS after ${m.rssAt[1]} tasks / after ${m.rssAt[0]}`,
      measured: `${rssBig!.rssMb.toFixed(0)} MB / ${rssSmall!.rssMb.toFixed(0)} MB = ${rssRatio.toFixed(2)} (heap ${rssBig!.heapMb.toFixed(0)} / ${rssSmall!.heapMb.toFixed(0)} MB)`,
      goal: '<= 1.1',
      met: rssRatio <= 1.1,
    },
  );
  return rows;
}

if (isEntryPoint(import.meta.url)) {
  const quick = process.argv.includes('--quick');
  const started = Date.now();
  const rows = await peersBench(quick);
  console.log(
    `codegod vs peers${quick ? ' (--quick sizes)' : ''}, medians of interleaved rounds, ` +
      `${((Date.now() - started) / 1000).toFixed(0)} s`,
  );
  console.log(formatTable(rows));
  process.exit(0);
}
