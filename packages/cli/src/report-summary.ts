import type { CheckResult, RunReport } from '@codegod/protocol';
import { terminalLine } from './terminal-text.js';

/** Characters of a check's one-line description shown in a summary. */
const SHOWN = 100;

/** Checks quote models and commands: one line each, without terminal control sequences. */
const clipLine = (text: string) => terminalLine(text, SHOWN);

function checkLine(owner: string, check: CheckResult): string {
  return `    ${owner.padEnd(24)} ${check.passed ? 'pass' : 'FAIL'}  ${clipLine(check.ran)}: ${clipLine(check.reason)}`;
}

/**
 * Every check the run ran, and the succeeded tasks that had none: the last validation of each
 * task, then the run's own checks.
 */
export function checkLines(report: RunReport): string[] {
  const lines: string[] = [];
  for (const task of report.tasks) {
    for (const check of task.validation?.checks ?? []) lines.push(checkLine(task.id, check));
    if (task.proof === 'unverified') {
      lines.push(`    ${task.id.padEnd(24)} unverified (no acceptance checks)`);
    }
  }
  for (const check of report.proof.run_checks) lines.push(checkLine('(run)', check));
  return lines;
}

/** The headline: how a succeeded run proved it, or why the run did not succeed. */
export function headline(report: RunReport): string {
  return report.state === 'succeeded'
    ? `run ${report.run_id} succeeded: ${report.proof.summary}`
    : `run ${report.run_id} ${report.state}: ${terminalLine(report.reason, 500)}`;
}

/**
 * Prints a short summary of the report on stderr (stdout stays JSON with --json), with every
 * check and its result. Reasons and outputs come from models and commands: one line each,
 * without terminal control sequences.
 */
export function printSummary(report: RunReport, out: NodeJS.WritableStream): void {
  const done = report.tasks.filter((t) => t.state === 'succeeded').length;
  const lines = [
    '',
    headline(report),
    ...(report.state === 'succeeded' ? [`  ${terminalLine(report.reason, 500)}`] : []),
    `  ${done}/${report.tasks.length} tasks succeeded, ${report.replan_rounds} replan rounds, ` +
      `${report.tokens.total} tokens, ${((report.duration_ms ?? 0) / 1000).toFixed(1)}s`,
  ];
  const checks = checkLines(report);
  if (checks.length > 0) lines.push('  checks:', ...checks);
  for (const task of report.tasks.filter((t) => t.state !== 'succeeded')) {
    const why = terminalLine(task.reason ?? task.output ?? '', 300);
    lines.push(`  ${task.id} (${task.role}) ${task.state}: ${why}`);
  }
  out.write(`${lines.join('\n')}\n`);
}
