// Every codegod benchmark in one run, printed as one table: the bus bench (bus.ts, run as a
// child process), LLM concurrency (llm.ts), the LLM transport's cost (llm-transport.ts), the
// prompts' stable prefix (prompt-prefix.ts), the master's workspace survey (survey.ts), the cost of workspace-secret redaction
// (redaction.ts), the bubblewrap runner's cost per command against none (sandbox.ts), `npm test`
// run without npm's start-up against real npm (npm-script.ts),
// end-to-end `codegod build`, embedded vs distributed (e2e.ts; needs `npx tsc -b` first), the
// `codegod` command's own start and exit on the fleet (cli.ts; the built CLI), and
// the acceptance checks' overhead per task (checks.ts; also the built CLI), the six-task plan's
// makespan over its LLM-bound ideal (makespan.ts; the built CLI), the processes and event-loop
// blocking of observe + validate (processes.ts, event-loop.ts), the embedded engine on the tiny
// test model (engine.ts), then codegod against LangGraph.js and plain BullMQ with issue 15's
// acceptance rows (peers.ts; installs bench/peers on first use).
// Run: npx tsx --conditions=@codegod/source scripts/bench/all.ts [--quick]
import { spawn } from 'node:child_process';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { type BenchRow, formatTable } from './bench-table.js';
import { checkOverheadBench } from './checks.js';
import { cliBench } from './cli.js';
import { e2eBench } from './e2e.js';
import { engineBench } from './engine.js';
import { eventLoopBench } from './event-loop.js';
import { llmConcurrencyBench } from './llm.js';
import { llmTransportBench } from './llm-transport.js';
import { makespanBench } from './makespan.js';
import { npmScriptBench } from './npm-script.js';
import { peersBench } from './peers.js';
import { processesBench } from './processes.js';
import { promptPrefixBench } from './prompt-prefix.js';
import { redactionBench } from './redaction.js';
import { sandboxBench } from './sandbox.js';
import { sparesBench } from './spares.js';
import { surveyBench } from './survey.js';

const quick = process.argv.includes('--quick');

/** Runs bus.ts in its own process (it exits when done) and reads the rows of its table. */
async function busBench(): Promise<BenchRow[]> {
  const args = ['--conditions=@codegod/source', join(import.meta.dirname, 'bus.ts')];
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', ...args, ...(quick ? ['--quick'] : [])],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk;
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk;
  });
  const code = await new Promise<number | null>((done) => child.on('exit', done));
  const rows = output
    .split('\n')
    .filter((line) => /^\| \([a-z]\) /.test(line))
    .map((line) =>
      line
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim()),
    )
    .map(([benchmark, measured, goal, result]) => ({
      benchmark: `bus ${benchmark}`,
      measured: measured ?? '',
      goal: goal ?? '',
      met: result === 'PASS',
    }));
  if (code !== 0 || rows.length === 0) {
    return [
      {
        benchmark: 'bus bench (bus.ts)',
        measured: `did not finish (exit ${code}): ${output.trim().split('\n').pop() ?? ''}`,
        goal: 'runs',
        met: false,
      },
    ];
  }
  return rows;
}

/** A bench's rows, or one MISS row saying why it did not finish. */
async function attempt(name: string, bench: () => Promise<BenchRow[]>): Promise<BenchRow[]> {
  try {
    return await bench();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`${name} failed: ${message}\n`);
    return [
      {
        benchmark: name,
        measured: `did not finish: ${message.split('\n')[0]}`,
        goal: 'runs',
        met: false,
      },
    ];
  }
}

const started = new Date();
const rows: BenchRow[] = [];
// One after another, so no bench shares the two cores with another.
rows.push(...(await busBench()));
rows.push(...(await attempt('LLM concurrency', () => llmConcurrencyBench(quick))));
rows.push(...(await attempt('LLM transport', () => llmTransportBench(quick))));
rows.push(...(await attempt('stable prefix', promptPrefixBench)));
rows.push(...(await attempt('survey', () => surveyBench(quick))));
rows.push(...(await attempt('redaction', () => redactionBench(quick))));
rows.push(...(await attempt('sandbox', () => sandboxBench(quick))));
rows.push(...(await attempt('npm script', () => npmScriptBench(quick))));
rows.push(...(await attempt('e2e', () => e2eBench(quick))));
rows.push(...(await attempt('cli', () => cliBench(quick))));
rows.push(...(await attempt('checks', () => checkOverheadBench(quick))));
rows.push(...(await attempt('makespan', () => makespanBench(quick))));
rows.push(...(await attempt('spares', () => sparesBench(quick))));
const processes = await attempt('observe + validate processes', processesBench);
rows.push(...processes);
rows.push(...(await attempt('event loop', () => eventLoopBench(quick))));
rows.push(...(await attempt('embedded engine', () => engineBench(quick))));
rows.push(...(await attempt('peers', () => peersBench(quick, { processes }))));
const seconds = ((Date.now() - started.getTime()) / 1000).toFixed(0);
console.log(
  `codegod benchmarks${quick ? ' (--quick sizes)' : ''}: ${started.toISOString().slice(0, 16)}Z, ` +
    `node ${process.version}, ${cpus().length} cores, ${seconds} s`,
);
console.log(formatTable(rows));
