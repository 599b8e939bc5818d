// The table every bench prints: one row per figure, with its goal and whether the run met it.
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

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
