import { type RunReport, runReportSchema } from '@codegod/protocol';
import { describe, expect, it } from 'vitest';
import { reportText } from './report-text.js';

const task = {
  id: 'backend-setup',
  description: 'set up Flask',
  role: 'backend',
  depends_on: [],
  acceptance: [],
  state: 'failed',
  proof: null,
  reason: 'task "backend-setup" failed: validation failed',
  agent_id: 'backend-agent-1',
  sandbox: 'bubblewrap',
  attempts: 1,
  iterations: 2,
  observation: { findings: ['no venv folder', 'app.py imports flask'] },
  reasoning: {
    problem_analysis: 'Flask is not installed',
    root_causes: ['no venv'],
    approach: 'create a venv and install flask',
    risks: [],
    success_criteria: ['import flask works'],
    conclusion: 'install flask in a venv',
  },
  plan: {
    steps: [
      {
        action: 'create_venv',
        target: 'venv',
        method: 'python -m venv',
        expected: 'venv/bin/python exists',
        args: {},
      },
    ],
    estimated_duration: '1m',
    confidence: 0.8,
  },
  actions_taken: [
    { step: 1, action: 'create_venv', success: false, output: 'venv-missing: no pip' },
  ],
  validation: { valid: false, output: 'flask is not importable', checks: [] },
  output: 'validation failed',
  queued_at: 1,
  started_at: 1,
  ended_at: 1201,
  duration_ms: 1200,
};

const report: RunReport = runReportSchema.parse({
  run_id: 'run-1',
  problem: 'Flask not found',
  workspace: '/w',
  state: 'failed',
  reason: 'task "backend-setup" failed',
  started_at: 0,
  ended_at: 2000,
  duration_ms: 2000,
  replan_rounds: 0,
  sandbox: ['bubblewrap'],
  tokens: { total: 10, by_role: {} },
  tasks: [task],
});

describe('reportText (codegod show without --json)', () => {
  it("prints each task's observation, reasoning, plan, actions and validation", () => {
    const text = reportText(report);
    expect(text).toContain(
      '  backend-setup            backend   failed in 1.2s: task "backend-setup" failed',
    );
    expect(text).toContain('    agent backend-agent-1, 2 iteration(s), 1 attempt(s)\n');
    expect(text).toContain(
      '    observation:\n      - no venv folder\n      - app.py imports flask\n',
    );
    expect(text).toContain('    reasoning: Flask is not installed\n');
    expect(text).toContain('      approach: create a venv and install flask\n');
    expect(text).toContain(
      '    plan (confidence 0.8):\n      1. create_venv venv: venv/bin/python exists\n',
    );
    expect(text).toContain('    actions:\n      1. create_venv FAILED: venv-missing: no pip\n');
    expect(text).toContain('    validation: not valid: flask is not importable\n');
  });

  it('keeps what models wrote on one line, without terminal controls', () => {
    const hostile = {
      ...report,
      tasks: [
        { ...report.tasks[0]!, validation: { valid: false, output: 'a\n\u001b[2Jb', checks: [] } },
      ],
    };
    expect(reportText(hostile)).toContain('    validation: not valid: a b\n');
  });
});
