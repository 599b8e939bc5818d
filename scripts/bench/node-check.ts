// The frontend role's health check after a spare Node's go byte: how long from the go byte to
// the exit, by how the check reports that the entry point loaded. `console.log` builds
// `process.stdout` (a stream over the pipe) on first use; `fs.writeSync(1)` writes the same
// line without it; `no line` is the floor. The spare is started as the runner starts one (the
// gate preloaded, stdout and stderr piped, fd 3 the go channel), waits 200 ms as it would
// through an LLM call, then loads a one-line CommonJS entry point. Rounds interleave the
// three; medians.
// Run: npx tsx --conditions=@codegod/source scripts/bench/node-check.ts [--quick]
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { tempDir } from '@codegod/testkit';
import { type BenchRow, formatTable, isEntryPoint } from './bench-table.js';

const GATE = resolve(import.meta.dirname, '../../packages/actions/gates/node-gate.cjs');
const LOAD =
  "new Promise(function (loaded) { loaded(require(require('path').resolve(process.argv[1]))) })";
const FAILED = 'function (e) { console.error(String(e.stack ?? e)), process.exit(1) }';
const REPORTS = {
  'console.log (before)': `function () { console.log('loaded ' + process.argv[1]), process.exit(0) }`,
  'fs.writeSync(1) (now)': `function () { try { require('fs').writeSync(1, 'loaded ' + process.argv[1] + '\\n') } catch (e) {} process.exit(0) }`,
  'no line (floor)': 'function () { process.exit(0) }',
};

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

/** Go byte to exit of one spare running `script`, in ms; fails unless it exits 0 as asked. */
async function goToExit(workspace: string, script: string): Promise<number> {
  const child = spawn(process.execPath, ['-r', GATE, '-e', script, 'index.js'], {
    cwd: workspace,
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    detached: true,
  });
  child.stdout!.resume();
  child.stderr!.resume();
  await sleep(200);
  const started = performance.now();
  const exited = once(child, 'exit');
  (child.stdio[3] as NodeJS.WritableStream).write('g');
  const [code] = await exited;
  const took = performance.now() - started;
  if (code !== 0) throw new Error(`the check exited ${code}`);
  return took;
}

export async function nodeCheckBench(quick: boolean): Promise<BenchRow[]> {
  const rounds = quick ? 7 : 21;
  const workspace = await tempDir('codegod-bench-node-check-');
  try {
    await writeFile(join(workspace.path, 'index.js'), 'module.exports = {};\n');
    const times = new Map<string, number[]>(Object.keys(REPORTS).map((name) => [name, []]));
    for (let round = 0; round < rounds; round++) {
      for (const [name, report] of Object.entries(REPORTS)) {
        times.get(name)!.push(await goToExit(workspace.path, `${LOAD}.then(${report}, ${FAILED})`));
      }
    }
    const [before, now, floor] = [...times.values()].map(median) as [number, number, number];
    return [
      {
        benchmark: `node check after the go byte, by report line (${rounds} rounds)`,
        measured: [...times].map(([name, t]) => `${name} ${median(t).toFixed(1)} ms`).join(', '),
        goal: 'report',
      },
      {
        benchmark: 'node check after the go byte: now / before, and over the floor',
        measured: `${(now / before).toFixed(2)}x; ${(now - floor).toFixed(1)} ms over no line (before ${(before - floor).toFixed(1)} ms)`,
        goal: 'report',
      },
    ];
  } finally {
    await workspace.remove();
  }
}

if (isEntryPoint(import.meta.url)) {
  const quick = process.argv.includes('--quick');
  console.log(`codegod node check bench${quick ? ' (--quick sizes)' : ''}`);
  console.log(formatTable(await nodeCheckBench(quick)));
  process.exit(0);
}
