import type { RunReport } from '@codegod/protocol';

/**
 * Replans, wipes and stuck stops of a run, read from its report. Wipes and stuck stops come from
 * each task's last outcome as the agent wrote it ("validated after 3 iteration(s) and 1
 * wipe(s)", "stuck after wipes: … (memory wiped 2 time(s) and retried)"), so a task retried
 * by the bus counts its last attempt only.
 */
export function reportCounts(report: RunReport): {
  replans: number;
  wipes: number;
  stuck_stops: number;
} {
  let wipes = 0;
  let stuckStops = 0;
  for (const task of report.tasks) {
    const text = `${task.output ?? ''}\n${task.reason ?? ''}`;
    const counted = [...text.matchAll(/(\d+) wipe\(s\)|memory wiped (\d+) time\(s\)/g)].map(
      (match) => Number(match[1] ?? match[2]),
    );
    wipes += counted.length > 0 ? Math.max(...counted) : 0;
    if (text.includes('stuck after wipes')) stuckStops++;
  }
  return { replans: report.replan_rounds, wipes, stuck_stops: stuckStops };
}
