import { CodegodError, type RunReport } from '@codegod/protocol';
import { Command } from 'commander';
import { EXIT, setRunExitCode } from '../exit-code.js';
import { withFleet } from '../fleet-connection.js';
import { reportText } from '../report-text.js';
import { terminalLine } from '../terminal-text.js';

/** `codegod runs`: every run the fleet knows, newest first. */
export function runsCommand(): Command {
  return new Command('runs')
    .description('list the runs the fleet knows, newest first')
    .option('--json', 'print as JSON')
    .action(async (options: { json?: boolean }) =>
      withFleet(async ({ bus }) => {
        const runs = await bus.listRuns();
        if (options.json) {
          process.stdout.write(`${JSON.stringify(runs, null, 2)}\n`);
          return;
        }
        if (runs.length === 0) process.stdout.write('no runs yet\n');
        for (const run of runs) {
          const when = new Date(run.createdAt).toISOString();
          process.stdout.write(
            `${run.runId}  ${run.state.padEnd(9)} ${when}  ${terminalLine(run.problem, 60)}\n`,
          );
        }
      }),
    );
}

/** A report for people, every step of every task. */
function printReport(report: RunReport): void {
  process.stdout.write(reportText(report));
}

/** `codegod show RUN`: a run's report (or its live state while it runs). */
export function showCommand(): Command {
  return new Command('show')
    .description(
      "show a run's report: every task with its observation, reasoning, plan, actions and validation",
    )
    .argument('<run>', 'the run id (see `codegod runs`)')
    .option('--json', 'print the full report as JSON')
    .action(async (runId: string, options: { json?: boolean }) =>
      withFleet(async ({ bus, reports }) => {
        const report = await reports.load(runId);
        if (report) {
          if (options.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
          else printReport(report);
          return;
        }
        const snapshot = await bus.getRun(runId);
        if (!snapshot)
          throw new CodegodError(
            'run-not-found',
            `No run ${runId}. List runs with \`codegod runs\`.`,
          );
        if (options.json) process.stdout.write(`${JSON.stringify(snapshot, null, 2)}\n`);
        else {
          process.stdout.write(`run ${runId}: ${snapshot.state} (no report yet)\n`);
          for (const t of snapshot.tasks)
            process.stdout.write(`  ${t.task.id.padEnd(24)} ${t.task.role.padEnd(9)} ${t.state}\n`);
        }
      }),
    );
}

/** `codegod resume RUN`: asks the master to pick a run up again after a crash, and follows it. */
export function resumeCommand(): Command {
  return new Command('resume')
    .description(
      'resume a run after a crash (the master picks it up again) and follow it to its report',
    )
    .argument('<run>', 'the run id (see `codegod runs`)')
    .option('--json', 'print the run report as JSON on stdout')
    .action(async (runId: string, options: { json?: boolean }) => {
      const { followRun } = await import('../run-distributed.js');
      const report = await withFleet((fleet) => followRun(fleet, runId, { resubmit: true }));
      if (options.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      else printReport(report);
      setRunExitCode(report.state === 'succeeded' ? EXIT.ok : EXIT.failed);
    });
}
