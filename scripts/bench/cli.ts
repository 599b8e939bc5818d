// The `codegod` command's own cost on the fleet, as a user feels it: the whole process's wall
// time from spawn to exit of `--version` (Node and the command's parser), `status` (the fleet's
// client part and a few reads) and `show RUN --json` of a small and of a large report, against
// a throwaway redis-server. Rounds interleave the four; medians. Also how many ES modules
// `status` loads.
// - show of the large report over the small one: before the CLI exited once its output was out,
//   ioredis's reply parser held a large reply's process for about a second after its last
//   write (docs/architecture.md, "What loads when"); now the two differ by the report's parsing
//   and printing only. Goal: at most 1.25.
// Needs the built CLI (`npx tsc -b`).
// Run: npx tsx --conditions=@codegod/source scripts/bench/cli.ts [--quick]
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { RedisReportStore } from '@codegod/fleet/client';
import { largeRunReport, startRedisServer, tempDir } from '@codegod/testkit';
import { Redis } from 'ioredis';
import { type BenchRow, formatTable, isEntryPoint } from './bench-table.js';

const CLI = resolve(import.meta.dirname, '../../packages/cli/dist/bin.js');
/** Tasks of the large report, each with a 2 KB validation output: about 650 KB of JSON. */
const LARGE_TASKS = 300;

/** Appends the URL of every ES module loaded to LOADED_ESM_FILE. */
const ESM_HOOK = `import { appendFileSync } from 'node:fs';
export async function load(url, context, next) {
  if (url.startsWith('file:')) appendFileSync(process.env.LOADED_ESM_FILE, url + '\\n');
  return next(url, context);
}
`;

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

/** Wall time of one `codegod ARGS` from spawn to exit, in ms; fails unless it exits 0. */
async function timed(
  args: string[],
  env: NodeJS.ProcessEnv,
  nodeArgs: string[] = [],
): Promise<{ ms: number; stdout: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, [...nodeArgs, CLI, ...args], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = 0;
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.length;
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk).slice(-2000);
  });
  const code = await new Promise<number | null>((done) => child.on('exit', done));
  const ms = performance.now() - started;
  if (code !== 0) throw new Error(`codegod ${args.join(' ')} exited ${code}: ${stderr}`);
  return { ms, stdout };
}

export async function cliBench(quick: boolean): Promise<BenchRow[]> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npx tsc -b\` first`);
  const rounds = quick ? 5 : 11;
  const redis = await startRedisServer();
  const dir = await tempDir('codegod-bench-cli-');
  try {
    const client = new Redis(redis.url);
    const store = new RedisReportStore(client);
    await store.save(largeRunReport('run-small', 1));
    await store.save(largeRunReport('run-large', LARGE_TASKS));
    client.disconnect();
    const env = { ...process.env, REDIS_URL: redis.url };
    const commands: Record<string, string[]> = {
      '--version': ['--version'],
      status: ['status'],
      'show, 1-task report': ['show', 'run-small', '--json'],
      [`show, ${LARGE_TASKS}-task report`]: ['show', 'run-large', '--json'],
    };
    const walls = new Map<string, number[]>(Object.keys(commands).map((name) => [name, []]));
    const printed = new Map<string, number>();
    for (let round = 0; round < rounds; round++) {
      for (const [name, args] of Object.entries(commands)) {
        const { ms, stdout } = await timed(args, env);
        walls.get(name)!.push(ms);
        printed.set(name, stdout);
      }
    }
    const hook = join(dir.path, 'esm-hook.mjs');
    await writeFile(hook, ESM_HOOK);
    const register = join(dir.path, 'register.mjs');
    await writeFile(
      register,
      `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hook).href)});\n`,
    );
    const loaded = join(dir.path, 'loaded.txt');
    await writeFile(loaded, '');
    await timed(['status'], { ...env, LOADED_ESM_FILE: loaded }, ['--import', register]);
    const modules = (await readFile(loaded, 'utf8')).split('\n').filter(Boolean).length;

    const [version, status, small, large] = [...walls.values()].map(median) as [
      number,
      number,
      number,
      number,
    ];
    const largeKb = (printed.get(`show, ${LARGE_TASKS}-task report`)! / 1024).toFixed(0);
    return [
      {
        benchmark: `cli: whole-process wall, spawn to exit (${rounds} rounds)`,
        measured: [...walls].map(([name, t]) => `${name} ${median(t).toFixed(0)} ms`).join(', '),
        goal: 'report',
      },
      {
        benchmark: 'cli: status over --version',
        measured: `${(status / version).toFixed(2)}x (${(status - version).toFixed(0)} ms more); status loads ${modules} ES modules`,
        goal: 'report',
      },
      {
        benchmark: `cli: show of a ${largeKb} KB report over a 1-task one`,
        measured: `${(large / small).toFixed(2)}x (${(large - small).toFixed(0)} ms more)`,
        goal: '<= 1.25',
        met: large / small <= 1.25,
      },
    ];
  } finally {
    await dir.remove();
    await redis.stop();
  }
}

if (isEntryPoint(import.meta.url)) {
  const quick = process.argv.includes('--quick');
  console.log(`codegod cli bench${quick ? ' (--quick sizes)' : ''}`);
  console.log(formatTable(await cliBench(quick)));
  process.exit(0);
}
