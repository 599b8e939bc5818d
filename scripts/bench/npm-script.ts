// `npm test` the way the sandbox now runs it (the script through `sh -c`, without npm's own
// start-up, when that is provably what npm would do) against real npm, both under bubblewrap,
// interleaved (npm, direct, npm, …) so the machine's load falls on both alike. The script is
// the plan's integration test (`node --test`), with a pretest step. Prints the median wall time
// per `npm test` and the ratio direct / npm.
// Run: npx tsx --conditions=@codegod/source scripts/bench/npm-script.ts [--quick]
import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createCommandRunner, createSandbox } from '@codegod/actions';
import { type BenchRow, formatTable, isEntryPoint, ms } from './bench-table.js';

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};

/** The direct-vs-npm row. */
export async function npmScriptBench(quick: boolean): Promise<BenchRow[]> {
  const runs = quick ? 7 : 25;
  const workspace = await realpath(await mkdtemp(join(tmpdir(), 'codegod-bench-npm-script-')));
  await mkdir(join(workspace, 'tests'));
  await writeFile(
    join(workspace, 'package.json'),
    JSON.stringify({
      name: 'bench',
      version: '1.0.0',
      scripts: { pretest: 'node -e 0', test: 'node --test tests/' },
    }),
  );
  await writeFile(
    join(workspace, 'tests/ok.test.js'),
    "require('node:test')('ok', () => require('node:assert').ok(true));\n",
  );
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin' };
  const runner = createCommandRunner({ sandbox: 'bubblewrap', env: {} });
  const box = createSandbox({ workspace, allowlist: ['npm'], runner, env });
  const spec = { cwd: workspace, workspace, env, timeoutMs: 60_000, maxOutputBytes: 64 * 1024 };
  const ways = {
    npm: () => runner.run({ ...spec, file: 'npm', args: ['test'] }),
    direct: () => box.runCheckCommand(['npm', 'test']),
  };
  const times: Record<keyof typeof ways, number[]> = { npm: [], direct: [] };
  try {
    for (let round = 0; round < runs; round++) {
      for (const way of ['npm', 'direct'] as const) {
        const started = performance.now();
        const result = await ways[way]();
        if (result.exitCode !== 0 || !/# pass 1/.test(result.stdout)) {
          throw new Error(`${way}: npm test failed:\n${result.stdout}${result.stderr}`);
        }
        times[way].push(performance.now() - started);
      }
    }
  } finally {
    await rm(workspace, { recursive: true, force: true });
  }
  const [npm, direct] = [median(times.npm), median(times.direct)];
  return [
    {
      benchmark: 'npm test (pretest + node --test) under bubblewrap: direct / real npm',
      measured: `${ms(direct)} / ${ms(npm)} = ${(direct / npm).toFixed(2)} (median of ${runs})`,
      goal: 'report',
    },
  ];
}

if (isEntryPoint(import.meta.url)) {
  const quick = process.argv.includes('--quick');
  console.log(`codegod npm-script bench${quick ? ' (--quick sizes)' : ''}`);
  console.log(formatTable(await npmScriptBench(quick)));
}
