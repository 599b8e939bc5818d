import { type ChildProcess, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type BenchResult, benchResultSchema } from '@codegod/bench';

// Runs the built `codegod bench` as a child process, the way a user or CI runs it.

/** The repository root. */
export const ROOT = join(import.meta.dirname, '..', '..');
/** The built CLI. */
export const CLI_BIN = join(ROOT, 'packages', 'cli', 'dist', 'bin.js');
/** The shipped suite. */
export const SUITE = join(ROOT, 'bench', 'suite.jsonl');

/** A running `codegod bench`. */
export interface BenchChild {
  child: ChildProcess;
  output: () => string;
  stdout: () => string;
  exited: Promise<number | null>;
}

/** Starts `codegod bench ...args` with `env` over this process's environment. */
export function startBench(args: string[], env: NodeJS.ProcessEnv = {}): BenchChild {
  const child = spawn(process.execPath, [CLI_BIN, 'bench', ...args], {
    cwd: ROOT,
    env: { ...process.env, REDIS_URL: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let all = '';
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
    all += chunk;
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    all += chunk;
  });
  const exited = new Promise<number | null>((done) => child.once('close', (code) => done(code)));
  return { child, output: () => all, stdout: () => out, exited };
}

/** Runs `codegod bench ...args` to its end. */
export async function runBenchCli(args: string[], env: NodeJS.ProcessEnv = {}) {
  const bench = startBench(args, env);
  const code = await bench.exited;
  return { code, output: bench.output(), stdout: bench.stdout() };
}

/** Every line of a results file, each checked against the result schema. */
export async function readResults(outDir: string): Promise<BenchResult[]> {
  const text = await readFile(join(outDir, 'results.jsonl'), 'utf8');
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => benchResultSchema.parse(JSON.parse(line)));
}

/** Results by instance id. */
export function byId(results: readonly BenchResult[]): Map<string, BenchResult> {
  return new Map(results.map((result) => [result.instance_id, result]));
}
