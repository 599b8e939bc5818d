import type { RunReport } from '@codegod/protocol';
import type { Redactor } from './workspace-redactor.js';

/**
 * The report with every string redacted except what identifies things (run and task ids,
 * roles, states, agent ids, the workspace path), which must stay exact for the tools that read
 * it. A field added to the report later is redacted without a change here.
 */
export function redactRunReport(report: RunReport, redactor: Redactor): RunReport {
  const redacted = redactor.redactValue(report);
  return {
    ...redacted,
    run_id: report.run_id,
    workspace: report.workspace,
    state: report.state,
    tasks: redacted.tasks.map((task, i) => {
      const original = report.tasks[i]!;
      return {
        ...task,
        id: original.id,
        role: original.role,
        depends_on: original.depends_on,
        state: original.state,
        agent_id: original.agent_id,
      };
    }),
  };
}
