import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  type ScriptedLlmServer,
  type ScriptedRule,
  startScriptedLlmServer,
} from '@codegod/llm/testing';
import { type RunEvent, type RunReport, runEventSchema, type TaskGraph } from '@codegod/protocol';
import { freePort, type RedisServer, startRedisServer, tempDir } from '@codegod/testkit';
import { Redis } from 'ioredis';

// The local fleet: a throwaway redis-server, the scripted LLM server, and the built master and
// worker services as real processes. Run `npx tsc -b` first: children run dist/*.js.

const repo = resolve(import.meta.dirname, '..', '..');
/** Built entry points of the services and the CLI. */
export const ENTRIES = {
  master: join(repo, 'services', 'master-orchestrator', 'dist', 'main.js'),
  worker: join(repo, 'services', 'agent-worker', 'dist', 'main.js'),
  cli: join(repo, 'packages', 'cli', 'dist', 'bin.js'),
} as const;

/**
 * Short locks, stall checks and heartbeats, so a killed worker's task is free again within
 * about two seconds. Each value is read by createRedisTaskBus / createLlmClient from env.
 */
export const FAST_FLEET_ENV: Record<string, string> = {
  CODEGOD_LOCK_DURATION_MS: '1500',
  CODEGOD_STALLED_INTERVAL_MS: '400',
  CODEGOD_MAX_STALLED_COUNT: '2',
  CODEGOD_TASK_BACKOFF_MS: '50',
  CODEGOD_HEARTBEAT_MS: '200',
  CODEGOD_AGENT_TTL_MS: '3000',
  LLM_TIMEOUT_MS: '5000',
  LLM_MODEL: 'scripted-model',
  LLM_API_KEY: 'test',
  LOG_LEVEL: 'info',
};

/** A service process this test started, with everything it printed. */
export interface FleetProcess {
  readonly name: string;
  readonly child: ChildProcess;
  /** stdout and stderr, interleaved. */
  readonly output: () => string;
  /** Resolves when the service logged that it is ready. */
  readonly ready: Promise<void>;
  /** Resolves with the exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
}

/** What `codegod build` printed and returned. */
export interface BuildResult {
  code: number | null;
  stdout: string;
  stderr: string;
  report: RunReport | undefined;
}

const alive = (child: ChildProcess) => child.exitCode === null && child.signalCode === null;

/** Spawns a built entry with `env` (over a minimal inherited env); output is captured. */
export function spawnService(
  name: string,
  entry: string,
  env: Record<string, string>,
  readyText?: string,
): FleetProcess {
  const child = spawn(process.execPath, [entry], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const chunks: string[] = [];
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  const ready = new Promise<void>((done, fail) => {
    const onData = (data: Buffer) => {
      chunks.push(data.toString());
      if (readyText && chunks.join('').includes(readyText)) done();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) =>
      fail(new Error(`${name} exited (${code}) before ready:\n${chunks.join('').slice(-2000)}`)),
    );
    if (!readyText) done();
  });
  ready.catch(() => {});
  return { name, child, output: () => chunks.join(''), ready, exited };
}

/** Sends SIGKILL to a process this test started and waits for it to be gone. */
export async function killHard(proc: FleetProcess): Promise<void> {
  if (alive(proc.child)) proc.child.kill('SIGKILL');
  await proc.exited;
}

/** Settings of a local fleet. */
export interface LocalFleetOptions {
  rules?: ScriptedRule[];
  /** Redis with an append-only file, so `redis.restart()` keeps the data. Default: false. */
  aof?: boolean;
  /** Extra env for every service process (and the CLI). */
  env?: Record<string, string>;
}

/** A redis-server, the scripted LLM and helpers to start services against them. */
export interface LocalFleet {
  readonly redis: RedisServer;
  readonly llm: ScriptedLlmServer;
  /** A client for reading run state; reconnects across a Redis restart. */
  readonly client: Redis;
  /** The env every service gets. */
  readonly env: Record<string, string>;
  /** A scratch folder removed on stop. */
  readonly dir: string;
  readonly processes: FleetProcess[];
  startMaster(): Promise<FleetProcess>;
  startWorker(role: string, agentId?: string): FleetProcess;
  /**
   * A fresh workspace folder under `dir`; with `venv`, a pip-less venv so backend validates;
   * `files` are written into it (name to content).
   */
  workspace(options?: { venv?: boolean; files?: Record<string, string> }): Promise<string>;
  /** Runs `codegod build` against this fleet with a plan file; never rejects. */
  build(
    problem: string,
    workspace: string,
    plan?: TaskGraph,
    timeoutMs?: number,
  ): Promise<BuildResult>;
  /** The run's events, read from `codegod:run:{id}:events`. */
  events(runId: string): Promise<RunEvent[]>;
  /** Everything every service printed. */
  logs(): string;
  /** Kills every process this fleet started, closes the LLM server and removes Redis. */
  stop(): Promise<void>;
}

/** Starts Redis and the scripted LLM server; services are started by the caller. */
export async function startLocalFleet(options: LocalFleetOptions = {}): Promise<LocalFleet> {
  const redis = await startRedisServer({ aof: options.aof ?? false });
  const llm = await startScriptedLlmServer({ rules: options.rules ?? [] });
  const scratch = await tempDir('codegod-reliability-');
  const client = new Redis(redis.url, { maxRetriesPerRequest: null });
  client.on('error', () => {});
  const env = {
    ...FAST_FLEET_ENV,
    REDIS_URL: redis.url,
    VLLM_API_URL: llm.url,
    ...options.env,
  };
  const processes: FleetProcess[] = [];
  const cliRuns: FleetProcess[] = [];
  const track = (proc: FleetProcess) => {
    processes.push(proc);
    return proc;
  };
  return {
    redis,
    llm,
    client,
    env,
    dir: scratch.path,
    processes,
    async startMaster() {
      // Bull Board listens on :3000 by default; concurrent fleets each need their own port.
      const board = String(await freePort());
      return track(
        spawnService('master', ENTRIES.master, { ...env, BULL_BOARD_PORT: board }, 'master ready'),
      );
    },
    startWorker: (role, agentId = `${role}-${randomUUID().slice(0, 8)}`) =>
      track(
        spawnService(
          agentId,
          ENTRIES.worker,
          { ...env, AGENT_ROLE: role, AGENT_ID: agentId },
          'agent worker ready',
        ),
      ),
    async workspace(workspaceOptions = {}) {
      const path = join(scratch.path, `ws-${randomUUID().slice(0, 8)}`);
      await mkdir(path, { recursive: true });
      for (const [name, content] of Object.entries(workspaceOptions.files ?? {})) {
        await writeFile(join(path, name), content);
      }
      if (workspaceOptions.venv) {
        await new Promise<void>((done, fail) => {
          const child = spawn('python3', ['-m', 'venv', '--without-pip', join(path, 'venv')], {
            stdio: 'ignore',
          });
          child.once('exit', (code) => (code === 0 ? done() : fail(new Error(`venv: ${code}`))));
        });
      }
      return path;
    },
    async build(problem, workspace, plan, timeoutMs = 120_000) {
      const args = [ENTRIES.cli, 'build', problem, '--workspace', workspace, '--json'];
      if (plan) {
        const file = join(scratch.path, `plan-${randomUUID().slice(0, 8)}.json`);
        await writeFile(file, JSON.stringify(plan));
        args.push('--plan', file);
      }
      const child = spawn(process.execPath, args, {
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
      });
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
      });
      const proc: FleetProcess = {
        name: 'cli',
        child,
        output: () => stdout + stderr,
        ready: Promise.resolve(),
        exited: new Promise((done) => child.once('exit', (code) => done(code))),
      };
      cliRuns.push(proc);
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const code = await proc.exited;
      clearTimeout(timer);
      let report: RunReport | undefined;
      try {
        report = stdout.trim() ? (JSON.parse(stdout) as RunReport) : undefined;
      } catch {
        report = undefined;
      }
      return { code, stdout, stderr, report };
    },
    async events(runId) {
      const entries = await client.xrange(`codegod:run:${runId}:events`, '-', '+');
      return entries.map(([, fields]) => runEventSchema.parse(JSON.parse(fields[1] ?? 'null')));
    },
    logs: () => processes.map((p) => `--- ${p.name}\n${p.output()}`).join('\n'),
    async stop() {
      await Promise.all([...processes, ...cliRuns].map(killHard));
      client.disconnect();
      await llm.close();
      await redis.stop();
      await scratch.remove();
    },
  };
}

/** Per task id, how many events of `type` the run recorded. */
export function countPerTask(events: RunEvent[], type: RunEvent['type']): Map<string, number> {
  const counts = new Map<string, number>();
  for (const event of events) {
    if (event.type === type && 'task_id' in event) {
      counts.set(event.task_id, (counts.get(event.task_id) ?? 0) + 1);
    }
  }
  return counts;
}

/** Polls `check` every 100 ms until it returns a value, or throws after `timeoutMs`. */
export { waitFor } from '@codegod/testkit';
