// The cost of confining a command with bubblewrap, per command, as a ratio to `none` (a plain
// process group): `python3 -c pass` and `node -e 0` run N times each through both runners,
// interleaved (none, bubblewrap, none, …) so the machine's load falls on both alike. Prints
// the median wall time per command and the ratio bubblewrap / none.
// Run: npx tsx --conditions=@codegod/source scripts/bench/sandbox.ts [--quick]
import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { type CommandRunner, createCommandRunner } from '@codegod/actions';
import { type BenchRow, formatTable, isEntryPoint, ms } from './bench-table.js';

/** What each runner runs: the cheapest command of each interpreter the agents use. */
const COMMANDS = [
  { name: 'python3 -c pass', file: 'python3', args: ['-c', 'pass'] },
  { name: 'node -e 0', file: process.execPath, args: ['-e', '0'] },
] as const;

/** Bubblewrap may cost at most this many times a bare process group per command. */
const GOAL_RATIO = 3;

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};

/** The bubblewrap-vs-none rows, one per command. */
export async function sandboxBench(quick: boolean): Promise<BenchRow[]> {
  const runs = quick ? 15 : 60;
  const workspace = await realpath(await mkdtemp(join(tmpdir(), 'codegod-bench-sandbox-')));
  const runners: Record<'none' | 'bubblewrap', CommandRunner> = {
    none: createCommandRunner({ sandbox: 'none', env: {} }),
    bubblewrap: createCommandRunner({ sandbox: 'bubblewrap', env: {} }),
  };
  try {
    const rows: BenchRow[] = [];
    for (const command of COMMANDS) {
      const times: Record<keyof typeof runners, number[]> = { none: [], bubblewrap: [] };
      const once = async (kind: keyof typeof runners) => {
        const started = performance.now();
        const result = await runners[kind].run({
          file: command.file,
          args: command.args,
          cwd: workspace,
          workspace,
          env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
          timeoutMs: 60_000,
          maxOutputBytes: 64 * 1024,
        });
        if (result.exitCode !== 0) {
          throw new Error(
            `${command.name} under ${kind} exited ${result.exitCode}: ${result.stderr}`,
          );
        }
        return performance.now() - started;
      };
      await once('none'); // warm-up: page cache and the bwrap probe, not reported
      await once('bubblewrap');
      for (let i = 0; i < runs; i++) {
        for (const kind of i % 2 === 0
          ? (['none', 'bubblewrap'] as const)
          : (['bubblewrap', 'none'] as const)) {
          times[kind].push(await once(kind));
        }
      }
      const none = median(times.none);
      const bubblewrap = median(times.bubblewrap);
      const ratio = bubblewrap / none;
      rows.push({
        benchmark: `sandbox: ${command.name}, bubblewrap / none (median of ${runs})`,
        measured: `${ratio.toFixed(2)}x (${ms(bubblewrap)} vs ${ms(none)}, +${ms(bubblewrap - none)} per command)`,
        goal: `<= ${GOAL_RATIO}x`,
        met: ratio <= GOAL_RATIO,
      });
    }
    return rows;
  } finally {
    await rm(workspace, { recursive: true, force: true });
  }
}

if (isEntryPoint(import.meta.url)) {
  const quick = process.argv.includes('--quick');
  const rows = await sandboxBench(quick);
  console.log(`codegod sandbox bench${quick ? ' (--quick sizes)' : ''}`);
  console.log(formatTable(rows));
}
