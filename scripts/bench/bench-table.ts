// The table every bench prints: one row per figure, with its goal and whether the run met it.
import { spawn } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type RunReport, runReportSchema } from '@codegod/protocol';

/** One measured figure. `met` is undefined when the figure has no pass/miss goal. */
export interface BenchRow {
  benchmark: string;
  measured: string;
  goal: string;
  met?: boolean;
}

/** Formats rows as a Markdown table, padded so it reads in a terminal too. */
export function formatTable(rows: readonly BenchRow[]): string {
  const header = ['benchmark', 'measured', 'goal', 'result'];
  const cells = rows.map((row) => [
    row.benchmark,
    row.measured,
    row.goal,
    row.met === undefined ? '-' : row.met ? 'PASS' : 'MISS',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

/** True when `moduleUrl` is the script node was asked to run (not an import of it). */
export function isEntryPoint(moduleUrl: string): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(moduleUrl));
  } catch {
    return false;
  }
}

/** Milliseconds with no decimals, for tables. */
export const ms = (value: number) => `${value.toFixed(0)} ms`;

/**
 * Runs `node <cli> build <problem> --plan <planFile> -w <workspace> --json` to its end and returns
 * the run report it printed; a non-zero exit throws with the end of its stderr.
 */
export async function buildWithPlan(
  cli: string,
  env: NodeJS.ProcessEnv,
  problem: string,
  planFile: string,
  workspace: string,
): Promise<RunReport> {
  const child = spawn(
    process.execPath,
    [cli, 'build', problem, '--plan', planFile, '-w', workspace, '--json'],
    { env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  const code = await new Promise<number | null>((done) => child.on('exit', done));
  if (code !== 0) throw new Error(`codegod build exited ${code}:\n${stderr.slice(-2000)}`);
  return runReportSchema.parse(JSON.parse(stdout));
}
