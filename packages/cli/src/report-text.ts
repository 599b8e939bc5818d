import type { RunReport, TaskReport } from '@codegod/protocol';
import { checkLines } from './report-summary.js';
import { terminalLine, terminalText } from './terminal-text.js';

/** Items of a list (findings, steps, actions) shown per task; the rest are counted. */
const SHOWN_ITEMS = 8;

/** At most SHOWN_ITEMS lines, then how many were left out. */
function listed(lines: string[], indent: string): string[] {
  const shown = lines.slice(0, SHOWN_ITEMS).map((line) => `${indent}${line}`);
  if (lines.length > SHOWN_ITEMS) shown.push(`${indent}… and ${lines.length - SHOWN_ITEMS} more`);
  return shown;
}

/** One task's agent loop, step by step: what `codegod show` promises without --json. */
function taskLines(task: TaskReport): string[] {
  const took = task.duration_ms === null ? '' : ` in ${(task.duration_ms / 1000).toFixed(1)}s`;
  const why = task.reason ? `: ${terminalLine(task.reason, 500)}` : '';
  const lines = [`  ${task.id.padEnd(24)} ${task.role.padEnd(9)} ${task.state}${took}${why}`];
  const meta = [
    task.agent_id ? `agent ${task.agent_id}` : null,
    task.iterations > 0 ? `${task.iterations} iteration(s)` : null,
    task.attempts > 0 ? `${task.attempts} attempt(s)` : null,
  ].filter((part) => part !== null);
  if (meta.length > 0) lines.push(`    ${meta.join(', ')}`);
  if (task.observation) {
    lines.push('    observation:');
    lines.push(
      ...listed(
        task.observation.findings.map((f) => terminalLine(f, 200)),
        '      - ',
      ),
    );
  }
  if (task.reasoning) {
    lines.push(`    reasoning: ${terminalLine(task.reasoning.problem_analysis, 300)}`);
    lines.push(`      approach: ${terminalLine(task.reasoning.approach, 300)}`);
    lines.push(`      conclusion: ${terminalLine(task.reasoning.conclusion, 300)}`);
  }
  if (task.plan) {
    lines.push(`    plan (confidence ${task.plan.confidence}):`);
    const steps = task.plan.steps.map(
      (step, i) =>
        `${i + 1}. ${step.action} ${terminalLine(step.target, 80)}: ${terminalLine(step.expected, 120)}`,
    );
    lines.push(...listed(steps, '      '));
  }
  if (task.actions_taken.length > 0) {
    lines.push('    actions:');
    const actions = task.actions_taken.map(
      (a) =>
        `${a.step}. ${a.action} ${a.success ? 'ok' : 'FAILED'}: ${terminalLine(a.output, 200)}`,
    );
    lines.push(...listed(actions, '      '));
  }
  if (task.validation) {
    const verdict = task.validation.valid ? 'valid' : 'not valid';
    lines.push(`    validation: ${verdict}: ${terminalLine(task.validation.output, 300)}`);
  }
  return lines;
}

/**
 * A run report for people: the run, then each task's observation, reasoning, plan, actions and
 * validation, then every check. What models and commands wrote is cleaned of terminal controls.
 */
export function reportText(report: RunReport): string {
  const lines = [
    `run ${report.run_id}: ${report.state} (${terminalLine(report.reason, 500)})`,
    `problem: ${terminalText(report.problem)}`,
  ];
  if (report.state === 'succeeded') lines.push(`proof: ${report.proof.summary}`);
  for (const task of report.tasks) lines.push(...taskLines(task));
  const checks = checkLines(report);
  if (checks.length > 0) lines.push('checks:', ...checks);
  return `${lines.join('\n')}\n`;
}
