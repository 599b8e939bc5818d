import { type AcceptanceCheck, CHECK_OUTPUT_TAIL, type CheckResult } from '@codegod/protocol';

/** The last `max` characters of `text`, where errors are, marked when cut. */
export function outputTail(text: string, max = CHECK_OUTPUT_TAIL): string {
  const trimmed = text.trimEnd();
  return trimmed.length <= max ? trimmed : `[…]${trimmed.slice(-max)}`;
}

/** Joins stdout and stderr for a check's output, leaving out empty streams. */
export function joinStreams(stdout: string, stderr: string): string {
  return [stdout.trimEnd(), stderr.trimEnd()].filter((part) => part.length > 0).join('\n');
}

/** What a check's runner knows at its end; `failures` empty means it passed. */
export interface CheckOutcome {
  ran: string;
  exitCode: number | null;
  /** Why it failed, one short clause each; empty when it passed. */
  failures: string[];
  /** Why it passed, when it did. */
  passedBecause: string;
  output: string;
}

/** The CheckResult of `check` from its outcome and start time. */
export function toCheckResult(
  check: AcceptanceCheck,
  outcome: CheckOutcome,
  startedAt: number,
): CheckResult {
  const passed = outcome.failures.length === 0;
  return {
    check,
    ran: outcome.ran,
    passed,
    exit_code: outcome.exitCode,
    reason: passed ? outcome.passedBecause : outcome.failures.join('; '),
    output: outputTail(outcome.output),
    duration_ms: Math.max(0, Math.round(performance.now() - startedAt)),
  };
}

/** Checks `text` against an optional regex, adding a failure that names `what`. */
export function expectMatch(
  failures: string[],
  what: string,
  source: string | undefined,
  search: (source: string, text: string) => boolean | 'timeout',
  text: string,
): void {
  if (source === undefined) return;
  const found = search(source, text);
  if (found === 'timeout') failures.push(`${what} regex /${source}/ took too long to search`);
  else if (!found) failures.push(`${what} does not match /${source}/`);
}
