import type { AcceptanceCheck, CheckResult } from '@codegod/protocol';

/**
 * The port through which the master runs a run's own acceptance checks: in the run's
 * workspace, through the same sandbox runner (and so the same confinement) as the agents'
 * actions. `createCheckRunner` of @codegod/actions implements it; the fleet wires it.
 */
export interface RunCheckRunner {
  /** Runs every check, one after another; a failing check is a result, never a throw. */
  runChecks(
    checks: readonly AcceptanceCheck[],
    context: { workspace: string; signal?: AbortSignal },
  ): Promise<CheckResult[]>;
}

/** Characters of a failing run check's output carried into the run's reason. */
const REASON_OUTPUT = 600;

/** One line per failing run check, with its output tail: the reason a run failed or replans. */
export function describeFailedRunChecks(results: readonly CheckResult[]): string {
  return results
    .filter((result) => !result.passed)
    .map((result) => {
      const output = result.output ? `: ${result.output.slice(-REASON_OUTPUT)}` : '';
      return `run check failed: ${result.ran}: ${result.reason}${output}`;
    })
    .join('; ');
}
