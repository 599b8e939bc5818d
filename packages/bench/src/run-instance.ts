import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type RunReport, runReportSchema } from '@codegod/protocol';
import type { BenchInstance } from './bench-instance.js';
import type { BenchResult } from './bench-result.js';
import { prepareWorkspace, runShell, tail } from './prepare-workspace.js';
import { reportCounts } from './report-counts.js';

/** Settings of runInstance, shared by every instance of a bench. */
export interface InstanceRunSettings {
  /** The argv that starts the codegod CLI, e.g. `[process.execPath, '.../bin/codegod.js']`. */
  codegod: readonly string[];
  /** Each instance works in `<workRoot>/<instance_id>/workspace`, made afresh. */
  workRoot: string;
  /** Run on the fleet REDIS_URL names instead of embedded. */
  fleet: boolean;
  llmUrl?: string;
  model?: string;
  /** `codegod build --sandbox` for embedded runs. */
  sandbox?: string;
  /** The run's wall-time budget when the instance has no timeout_s, in seconds. */
  defaultTimeoutS: number;
  /** The environment codegod and the checks start from. */
  env: NodeJS.ProcessEnv;
  /** LLM calls the endpoint saw for a run id; undefined when it cannot tell. */
  llmCallsOf?: (runId: string) => number | undefined;
}

/** Time the independent check may take. */
const CHECK_TIMEOUT_MS = 600_000;
/** Time codegod gets past its own budget before the harness stops it. */
const GRACE_MS = 60_000;

/** The instance's environment: `{workspace}` in its `env` values becomes the workspace path. */
function instanceEnv(instance: BenchInstance, workspace: string, base: NodeJS.ProcessEnv) {
  const env: NodeJS.ProcessEnv = { ...base };
  for (const [name, value] of Object.entries(instance.env ?? {}))
    env[name] = value.replaceAll('{workspace}', workspace);
  return env;
}

/**
 * Runs one instance: a fresh workspace, the real `codegod build` with the success_command as
 * its `--check`, then the success_command again, on its own, in a fresh shell. Returns
 * undefined when `signal` aborted it (an interrupted instance is not a result).
 */
export async function runInstance(
  instance: BenchInstance,
  settings: InstanceRunSettings,
  signal: AbortSignal,
): Promise<BenchResult | undefined> {
  const dir = join(settings.workRoot, instance.instance_id);
  const workspace = join(dir, 'workspace');
  const env = instanceEnv(instance, workspace, settings.env);
  const base = {
    instance_id: instance.instance_id,
    category: instance.category ?? null,
    extra: instance.extra,
  };
  try {
    await prepareWorkspace(instance, workspace, env, signal);
  } catch (error) {
    if (signal.aborted) return undefined;
    return {
      ...base,
      ...emptyRun(),
      codegod_verdict: 'setup-failed',
      failure_reason: `setup failed: ${(error as Error).message}`,
      finished_at: Date.now(),
    };
  }
  if (signal.aborted) return undefined;
  const timeoutS = instance.timeout_s ?? settings.defaultTimeoutS;
  const args = await buildArgs(instance, settings, dir, workspace, timeoutS);
  const childEnv = { ...env, REDIS_URL: settings.fleet ? env.REDIS_URL : '' };
  const started = Date.now();
  const run = await runCodegod(
    [...settings.codegod, ...args],
    childEnv,
    timeoutS * 1000 + GRACE_MS,
    signal,
  );
  const wallMs = Date.now() - started;
  if (signal.aborted) return undefined;
  const report = parseReport(run.stdout);
  // The independent check: a fresh shell after codegod stopped, codegod's sandbox not involved.
  const check = await runShell(['sh', '-c', instance.success_command], workspace, env, {
    timeoutMs: CHECK_TIMEOUT_MS,
    signal,
  });
  if (signal.aborted) return undefined;
  const solved = check.code === 0;
  const verdict: BenchResult['codegod_verdict'] = run.timedOut
    ? 'timeout'
    : report
      ? report.state === 'succeeded'
        ? 'succeeded'
        : 'failed'
      : 'error';
  const counts = report ? reportCounts(report) : { replans: 0, wipes: 0, stuck_stops: 0 };
  const calls = report ? settings.llmCallsOf?.(report.run_id) : undefined;
  return {
    ...base,
    solved,
    codegod_verdict: verdict,
    false_success: verdict === 'succeeded' && !solved,
    codegod_exit_code: run.code,
    run_id: report?.run_id ?? null,
    wall_ms: wallMs,
    llm_calls: calls ?? null,
    tokens: report?.tokens.total ?? 0,
    ...counts,
    failure_reason: solved
      ? null
      : failureReason(verdict, report, run.stderr, check.code, check.output),
    check_exit_code: check.code,
    check_output: tail(check.output, 600),
    finished_at: Date.now(),
  };
}

function emptyRun() {
  return {
    solved: false,
    false_success: false,
    codegod_exit_code: null,
    run_id: null,
    wall_ms: 0,
    llm_calls: null,
    tokens: 0,
    replans: 0,
    wipes: 0,
    stuck_stops: 0,
    check_exit_code: null,
    check_output: '',
  };
}

async function buildArgs(
  instance: BenchInstance,
  settings: InstanceRunSettings,
  dir: string,
  workspace: string,
  timeoutS: number,
): Promise<string[]> {
  const args = ['build', instance.problem_statement, '--workspace', workspace, '--json'];
  args.push('--check', instance.success_command, '--timeout', String(timeoutS));
  if (instance.plan !== undefined) {
    let planFile = instance.plan;
    if (typeof planFile !== 'string') {
      // Outside the workspace, so the agents never see it.
      planFile = join(dir, 'plan.json');
      await mkdir(dir, { recursive: true });
      await writeFile(planFile, JSON.stringify(instance.plan));
    }
    args.push('--plan', planFile);
  }
  if (settings.llmUrl !== undefined) args.push('--llm-url', settings.llmUrl);
  if (settings.model !== undefined) args.push('--model', settings.model);
  if (settings.sandbox !== undefined && !settings.fleet) args.push('--sandbox', settings.sandbox);
  return args;
}

function parseReport(stdout: string): RunReport | undefined {
  try {
    const parsed = runReportSchema.safeParse(JSON.parse(stdout));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

function failureReason(
  verdict: BenchResult['codegod_verdict'],
  report: RunReport | undefined,
  stderr: string,
  checkCode: number | null,
  checkOutput: string,
): string {
  const check = `success_command exited ${checkCode ?? 'on a signal'}${checkOutput.trim() ? `: ${tail(checkOutput, 200)}` : ''}`;
  if (verdict === 'succeeded') return `codegod said succeeded, but ${check}`;
  if (verdict === 'timeout') return `codegod ran past its timeout; ${check}`;
  if (!report) return `codegod exited without a report: ${tail(stderr, 300) || 'no output'}`;
  return `${tail(report.reason, 300)}; ${check}`;
}

/** How a codegod child ended. */
interface CodegodRun {
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/**
 * Runs codegod in its own process group. Past `limitMs` it gets SIGINT (it cancels the run and
 * still prints its report), then SIGKILL 15 s later; an abort kills the group at once.
 */
function runCodegod(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  limitMs: number,
  signal: AbortSignal,
): Promise<CodegodRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-16 * 1024);
    });
    const killGroup = (name: NodeJS.Signals) => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, name);
      } catch {
        // Already gone.
      }
    };
    let hardKill: NodeJS.Timeout | undefined;
    const limit = setTimeout(() => {
      timedOut = true;
      killGroup('SIGINT');
      hardKill = setTimeout(() => killGroup('SIGKILL'), 15_000);
    }, limitMs);
    const abort = () => killGroup('SIGKILL');
    signal.addEventListener('abort', abort, { once: true });
    child.once('error', (error) => {
      clearTimeout(limit);
      reject(error);
    });
    child.once('close', (code) => {
      clearTimeout(limit);
      clearTimeout(hardKill);
      signal.removeEventListener('abort', abort);
      resolve({ code, stdout, stderr, timedOut });
    });
  });
}
