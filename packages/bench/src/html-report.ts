import type { BenchResult } from './bench-result.js';
import { type SummaryRow, summarize } from './bench-summary.js';

// Decision: charts are inline SVG written here, not a charting library or a CDN script, so
// the report opens offline, from a CI artifact, and shows the same thing in every browser.

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

interface Bar {
  label: string;
  value: number;
  text: string;
  color: string;
}

/** A horizontal bar chart as an SVG element; bars scale to `max` (default: the largest). */
function barChart(title: string, bars: readonly Bar[], max?: number): string {
  const rowHeight = 22;
  const labelWidth = 220;
  const barWidth = 420;
  const height = 30 + bars.length * rowHeight;
  const top = max ?? Math.max(1, ...bars.map((b) => b.value));
  const rows = bars.map((bar, i) => {
    const y = 24 + i * rowHeight;
    const width = Math.max(bar.value > 0 ? 1 : 0, (bar.value / top) * barWidth);
    return (
      `<text x="${labelWidth - 6}" y="${y + 14}" text-anchor="end">${escapeHtml(bar.label)}</text>` +
      `<rect x="${labelWidth}" y="${y + 2}" width="${width.toFixed(1)}" height="${rowHeight - 6}" fill="${bar.color}"><title>${escapeHtml(bar.label)}: ${escapeHtml(bar.text)}</title></rect>` +
      `<text x="${labelWidth + width + 6}" y="${y + 14}">${escapeHtml(bar.text)}</text>`
    );
  });
  return (
    `<svg class="chart" role="img" aria-label="${escapeHtml(title)}" xmlns="http://www.w3.org/2000/svg" width="${labelWidth + barWidth + 90}" height="${height}" font-family="sans-serif" font-size="12">` +
    `<text x="0" y="14" font-weight="bold" font-size="14">${escapeHtml(title)}</text>${rows.join('')}</svg>`
  );
}

const percent = (rate: number) => `${(rate * 100).toFixed(0)}%`;

function summaryTable(rows: readonly SummaryRow[]): string {
  const head =
    '<tr><th>group</th><th>instances</th><th>solved</th><th>solve rate</th><th>codegod succeeded</th><th>false successes</th><th>mean time</th><th>tokens</th><th>LLM calls</th></tr>';
  const body = rows
    .map(
      (r) =>
        `<tr><td>${escapeHtml(r.group)}</td><td>${r.instances}</td><td>${r.solved}</td><td>${percent(r.solve_rate)}</td><td>${r.codegod_succeeded}</td><td class="${r.false_successes > 0 ? 'bad' : ''}">${r.false_successes}</td><td>${(r.mean_wall_ms / 1000).toFixed(1)} s</td><td>${r.tokens}</td><td>${r.llm_calls ?? '-'}</td></tr>`,
    )
    .join('');
  return `<table id="summary">${head}${body}</table>`;
}

function resultsTable(results: readonly BenchResult[]): string {
  const head =
    '<tr><th>instance</th><th>category</th><th>solved</th><th>codegod</th><th>false success</th><th>time</th><th>tokens</th><th>replans</th><th>failure reason</th></tr>';
  const body = results
    .map(
      (r) =>
        `<tr class="${r.false_success ? 'bad' : r.solved ? 'good' : ''}"><td>${escapeHtml(r.instance_id)}</td><td>${escapeHtml(r.category ?? '')}</td><td>${r.solved ? 'yes' : 'no'}</td><td>${escapeHtml(r.codegod_verdict)}</td><td>${r.false_success ? 'YES' : ''}</td><td>${(r.wall_ms / 1000).toFixed(1)} s</td><td>${r.tokens}</td><td>${r.replans}</td><td>${escapeHtml(r.failure_reason ?? '')}</td></tr>`,
    )
    .join('');
  return `<table id="results">${head}${body}</table>`;
}

/** A self-contained HTML report of a bench run: summary, three charts and every result. */
export function htmlReport(title: string, results: readonly BenchResult[]): string {
  const rows = summarize(results);
  const categories = rows.slice(1);
  const solveChart = barChart(
    'Solve rate by category',
    categories.map((r) => ({
      label: r.group,
      value: r.solve_rate,
      text: `${percent(r.solve_rate)} (${r.solved}/${r.instances})`,
      color: '#2a7d4f',
    })),
    1,
  );
  const color = (r: BenchResult) => (r.false_success ? '#c0392b' : r.solved ? '#2a7d4f' : '#999');
  const timeChart = barChart(
    'Wall time per instance (s)',
    results.map((r) => ({
      label: r.instance_id,
      value: r.wall_ms / 1000,
      text: `${(r.wall_ms / 1000).toFixed(1)} s`,
      color: color(r),
    })),
  );
  const tokenChart = barChart(
    'Tokens per instance',
    results.map((r) => ({
      label: r.instance_id,
      value: r.tokens,
      text: String(r.tokens),
      color: color(r),
    })),
  );
  const all = rows[0]!;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>
body{font-family:sans-serif;margin:24px;color:#222}
table{border-collapse:collapse;margin:12px 0;font-size:13px}
td,th{border:1px solid #ccc;padding:3px 8px;text-align:left;white-space:nowrap}
td:last-child{white-space:normal}
tr.bad td,td.bad{background:#fbe3e1}
tr.good td:nth-child(3){color:#2a7d4f;font-weight:bold}
.chart{display:block;margin:16px 0}
.headline{font-size:18px}
</style></head><body>
<h1>${escapeHtml(title)}</h1>
<p class="headline">Solved <b id="solved">${all.solved}</b> of ${all.instances} (${percent(all.solve_rate)}); codegod said succeeded ${all.codegod_succeeded} times; <b id="false-successes">${all.false_successes}</b> false successes.</p>
<p>Solved means the instance's success_command passed when the harness ran it on its own after codegod stopped. A false success is a run codegod called succeeded whose success_command then failed. Green: solved; red: false success; grey: not solved.</p>
${summaryTable(rows)}
${solveChart}
${timeChart}
${tokenChart}
<h2>Instances</h2>
${resultsTable(results)}
</body></html>
`;
}
