import type { BenchResult } from './bench-result.js';

/** Totals over a group of results (all of them, or one category). */
export interface SummaryRow {
  group: string;
  instances: number;
  solved: number;
  /** solved / instances, 0 to 1. */
  solve_rate: number;
  /** Instances codegod itself called succeeded. */
  codegod_succeeded: number;
  false_successes: number;
  mean_wall_ms: number;
  tokens: number;
  /** Null when no result of the group had a count. */
  llm_calls: number | null;
  replans: number;
  wipes: number;
  stuck_stops: number;
}

function row(group: string, results: readonly BenchResult[]): SummaryRow {
  const sum = (pick: (r: BenchResult) => number) => results.reduce((n, r) => n + pick(r), 0);
  const counted = results.filter((r) => r.llm_calls !== null);
  return {
    group,
    instances: results.length,
    solved: results.filter((r) => r.solved).length,
    solve_rate: results.length === 0 ? 0 : results.filter((r) => r.solved).length / results.length,
    codegod_succeeded: results.filter((r) => r.codegod_verdict === 'succeeded').length,
    false_successes: results.filter((r) => r.false_success).length,
    mean_wall_ms: results.length === 0 ? 0 : Math.round(sum((r) => r.wall_ms) / results.length),
    tokens: sum((r) => r.tokens),
    llm_calls: counted.length === 0 ? null : sum((r) => r.llm_calls ?? 0),
    replans: sum((r) => r.replans),
    wipes: sum((r) => r.wipes),
    stuck_stops: sum((r) => r.stuck_stops),
  };
}

/** The overall row first, then one row per category (alphabetical; "none" for no category). */
export function summarize(results: readonly BenchResult[]): SummaryRow[] {
  const byCategory = new Map<string, BenchResult[]>();
  for (const result of results) {
    const key = result.category ?? 'none';
    byCategory.set(key, [...(byCategory.get(key) ?? []), result]);
  }
  const categories = [...byCategory.keys()].sort();
  return [row('all', results), ...categories.map((c) => row(c, byCategory.get(c)!))];
}

const COLUMNS: [string, (r: SummaryRow) => string][] = [
  ['group', (r) => r.group],
  ['n', (r) => String(r.instances)],
  ['solved', (r) => String(r.solved)],
  ['rate', (r) => `${(r.solve_rate * 100).toFixed(0)}%`],
  ['codegod ok', (r) => String(r.codegod_succeeded)],
  ['false success', (r) => String(r.false_successes)],
  ['mean time', (r) => `${(r.mean_wall_ms / 1000).toFixed(1)}s`],
  ['tokens', (r) => String(r.tokens)],
  ['llm calls', (r) => (r.llm_calls === null ? '-' : String(r.llm_calls))],
  ['replans', (r) => String(r.replans)],
  ['wipes', (r) => String(r.wipes)],
  ['stuck', (r) => String(r.stuck_stops)],
];

/** The summary as a plain-text table, one line per row, with a title line above it. */
export function formatSummary(title: string, rows: readonly SummaryRow[]): string {
  const cells = [COLUMNS.map(([name]) => name), ...rows.map((r) => COLUMNS.map(([, f]) => f(r)))];
  const widths = COLUMNS.map((_, i) => Math.max(...cells.map((line) => line[i]!.length)));
  const lines = cells.map((line) =>
    line
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)))
      .join('  '),
  );
  lines.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  return `${title}\n${lines.join('\n')}\n`;
}
