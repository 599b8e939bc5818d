import { mkdir, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { CODEGOD_SETTINGS, defineSettings } from '@codegod/config';
import { CodegodError } from '@codegod/protocol';
import { type BenchInstance, readInstances } from './bench-instance.js';
import type { BenchResult } from './bench-result.js';
import { formatSummary, summarize } from './bench-summary.js';
import { htmlReport } from './html-report.js';
import { type MeteringProxy, startMeteringProxy } from './metering-proxy.js';
import { POLICIES, type PolicyServer, startPolicyServer } from './policies/policy-server.js';
import { ProgressBar, type ProgressOutput } from './progress-bar.js';
import { type BenchRun, runBench } from './run-bench.js';

/** What the harness itself reads: the LLM server (`--llm-url`) and the fleet's Redis, as codegod does. */
const BENCH_SETTINGS = defineSettings({
  llmBaseUrl: CODEGOD_SETTINGS.specs.llmBaseUrl,
  redisUrl: CODEGOD_SETTINGS.specs.redisUrl,
});

/** Settings of benchSession: `codegod bench`'s flags. */
export interface BenchSessionSettings {
  /** The instances file (JSONL). */
  instancesPath: string;
  /** Folder for results.jsonl, report.html and the instances' workspaces (work/). */
  outDir: string;
  /** The argv that starts the codegod CLI. */
  codegod: readonly string[];
  fleet?: boolean;
  parallel?: number;
  resume?: boolean;
  /** A scripted policy (oracle, lazy) to answer in place of a model; embedded runs only. */
  policy?: string;
  llmUrl?: string;
  model?: string;
  sandbox?: string;
  /** Seconds per run when an instance has no timeout_s. Default: 600. */
  timeoutS?: number;
  /** Run only these instance ids. */
  only?: readonly string[];
  env?: NodeJS.ProcessEnv;
  /** Progress and messages (stderr). */
  log: ProgressOutput;
  signal?: AbortSignal;
}

/** What a bench session produced. */
export interface BenchSession extends BenchRun {
  resultsPath: string;
  reportPath: string;
  /** The summary table as printed. */
  summary: string;
  /** Lines of the instances file that were not instances. */
  badLines: number;
}

/** Reads the instances, reporting bad lines; applies --only. */
export async function loadBenchInstances(
  path: string,
  log: ProgressOutput,
  only?: readonly string[],
): Promise<{ instances: BenchInstance[]; badLines: number }> {
  const file = await readInstances(path);
  for (const bad of file.bad) log.write(`codegod: ${path} line ${bad.line}: ${bad.message}\n`);
  let instances = file.instances;
  if (only && only.length > 0) {
    const known = new Set(instances.map((instance) => instance.instance_id));
    const unknown = only.filter((id) => !known.has(id));
    if (unknown.length > 0)
      throw new CodegodError('usage', `--only: no instance ${unknown.join(', ')} in ${path}`);
    instances = instances.filter((instance) => only.includes(instance.instance_id));
  }
  if (instances.length === 0)
    throw new CodegodError('usage', `${path} has no valid instance to run`);
  return { instances, badLines: file.bad.length };
}

/** Starts the named policy's server for `instances`; the error names the flag. */
export async function startNamedPolicy(
  name: string,
  instances: readonly BenchInstance[],
): Promise<PolicyServer> {
  const policy = POLICIES[name];
  if (!policy)
    throw new CodegodError(
      'usage',
      `--policy must be one of ${Object.keys(POLICIES).join(', ')} (got ${JSON.stringify(name)})`,
    );
  return startPolicyServer(policy, instances);
}

/** Puts results in the instances file's order, for tables and charts. */
function inFileOrder(results: readonly BenchResult[], instances: readonly BenchInstance[]) {
  const order = new Map(instances.map((instance, i) => [instance.instance_id, i]));
  return [...results].sort(
    (a, b) => (order.get(a.instance_id) ?? 1e9) - (order.get(b.instance_id) ?? 1e9),
  );
}

/**
 * `codegod bench`: runs the instances, writes results.jsonl as they finish, then report.html
 * and the summary table. An abort leaves results.jsonl with the finished instances only.
 */
export async function benchSession(settings: BenchSessionSettings): Promise<BenchSession> {
  if (settings.policy !== undefined && (settings.fleet || settings.llmUrl !== undefined))
    throw new CodegodError(
      'usage',
      '--policy answers embedded runs itself; for a fleet, start it with VLLM_API_URL set to the URL `codegod bench --serve-policy` prints, and leave --policy and --llm-url out',
    );
  if (settings.fleet && (settings.llmUrl !== undefined || settings.model !== undefined))
    throw new CodegodError(
      'usage',
      '--llm-url and --model apply to embedded runs; with --fleet the workers use their own VLLM_API_URL and LLM_MODEL',
    );
  const env = settings.env ?? process.env;
  const { llmBaseUrl, redisUrl } = BENCH_SETTINGS.resolve({ llmBaseUrl: settings.llmUrl }, env);
  if (settings.fleet && !redisUrl)
    throw new CodegodError('usage', '--fleet needs REDIS_URL set to the running fleet');
  const { instances, badLines } = await loadBenchInstances(
    settings.instancesPath,
    settings.log,
    settings.only,
  );
  const outDir = resolve(settings.outDir);
  const resultsPath = join(outDir, 'results.jsonl');
  const reportPath = join(outDir, 'report.html');
  const server = settings.policy ? await startNamedPolicy(settings.policy, instances) : undefined;
  // Embedded runs with a model go through a counting proxy; a fleet's workers call the model
  // themselves, so there the harness cannot count.
  let proxy: MeteringProxy | undefined;
  if (!server && !settings.fleet) proxy = await startMeteringProxy(llmBaseUrl);
  const llm = server ?? proxy;
  let run: BenchRun;
  try {
    run = await runBench(instances, {
      codegod: settings.codegod,
      workRoot: join(outDir, 'work'),
      fleet: settings.fleet ?? false,
      ...(server ? { model: 'scripted-model' } : {}),
      ...(llm ? { llmUrl: llm.url, llmCallsOf: llm.callsOf } : {}),
      ...(settings.model !== undefined ? { model: settings.model } : {}),
      ...(settings.sandbox !== undefined ? { sandbox: settings.sandbox } : {}),
      defaultTimeoutS: settings.timeoutS ?? 600,
      env,
      resultsPath,
      parallel: settings.parallel ?? 1,
      resume: settings.resume ?? false,
      progress: new ProgressBar(settings.log),
      ...(settings.signal ? { signal: settings.signal } : {}),
    });
  } finally {
    await server?.close();
    await proxy?.close();
  }
  const results = inFileOrder(run.results, instances);
  const how = settings.policy ? `policy ${settings.policy}` : (settings.model ?? 'model');
  const title = `codegod bench: ${basename(settings.instancesPath)}, ${how}${settings.fleet ? ', fleet' : ''}`;
  const summary = formatSummary(title, summarize(results));
  await mkdir(outDir, { recursive: true });
  await writeFile(reportPath, htmlReport(title, results));
  return { ...run, results, resultsPath, reportPath, summary, badLines };
}
