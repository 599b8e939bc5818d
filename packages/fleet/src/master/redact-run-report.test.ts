import { createRedactor } from '@codegod/actions';
import { redactRunReport } from '@codegod/orchestrator';
import { type RunReport, runReportSchema } from '@codegod/protocol';
import { describe, expect, it } from 'vitest';

describe('redactRunReport', () => {
  it('redacts every text of the report but keeps ids, roles, states and the workspace exact', () => {
    // The secret is also a task id, an agent id and part of the workspace path: those must stay.
    const secret = 'deploy-7x9q';
    const report: RunReport = runReportSchema.parse({
      run_id: 'run-1',
      problem: `deploy with ${secret}`,
      workspace: `/work/${secret}`,
      state: 'failed',
      reason: `task ${secret} failed: printed ${secret}`,
      started_at: 1,
      ended_at: 2,
      duration_ms: 1,
      replan_rounds: 0,
      tokens: { total: 0, by_role: {} },
      tasks: [
        {
          id: secret,
          description: 'print it',
          role: 'backend',
          depends_on: [],
          state: 'failed',
          reason: null,
          agent_id: secret,
          attempts: 1,
          iterations: 1,
          observation: { findings: [`.env holds ${secret}`] },
          reasoning: null,
          plan: null,
          actions_taken: [{ step: 1, action: 'run_command', success: false, output: secret }],
          validation: { valid: false, output: `saw ${secret}` },
          output: secret,
          queued_at: null,
          started_at: null,
          ended_at: null,
          duration_ms: null,
        },
      ],
    });
    const redacted = redactRunReport(report, createRedactor([secret]));
    expect(redacted.workspace).toBe(report.workspace);
    expect(redacted.tasks[0]).toMatchObject({ id: secret, agent_id: secret, role: 'backend' });
    const { id, agent_id, ...content } = redacted.tasks[0]!;
    expect(JSON.stringify({ ...redacted, workspace: '', tasks: [content] })).not.toContain(secret);
    expect(redacted.tasks[0]!.actions_taken[0]!.output).toBe('[redacted]');
    expect(runReportSchema.parse(redacted)).toEqual(redacted);
  });
});
