import { CHECK_DEFAULTS, type CheckResult, type CommandCheck } from '@codegod/protocol';
import type { CheckCommandOptions } from '../sandbox/check-commands.js';
import type { Sandbox } from '../sandbox/sandbox.js';
import type { WarmSpare } from '../sandbox/spares/spare-pool.js';
import { expectMatch, joinStreams, toCheckResult } from './check-outcome.js';
import { searchBounded } from './search-bounded.js';

/** The cwd and timeout a `command` check's argv runs with. */
function commandCheckOptions(check: CommandCheck): CheckCommandOptions {
  return {
    ...(check.cwd !== undefined ? { cwd: check.cwd } : {}),
    timeoutMs: check.timeout_ms ?? CHECK_DEFAULTS.timeoutMs,
  };
}

/** Starts a spare for a `command` check's argv, as runCommandCheck will run it (see Sandbox.warm). */
export function warmCommandCheck(
  box: Sandbox,
  check: CommandCheck,
): Promise<WarmSpare | undefined> {
  return box.warmCheckCommand(check.argv, commandCheckOptions(check));
}

/** Runs a `command` check: its argv through the sandbox's runner, then exit code and regexes. */
export async function runCommandCheck(
  box: Sandbox,
  check: CommandCheck,
  signal: AbortSignal | undefined,
): Promise<CheckResult> {
  const startedAt = performance.now();
  const timeoutMs = check.timeout_ms ?? CHECK_DEFAULTS.timeoutMs;
  const result = await box.runCheckCommand(check.argv, {
    ...commandCheckOptions(check),
    ...(signal ? { signal } : {}),
  });
  const expected = check.exit_code ?? CHECK_DEFAULTS.exitCode;
  const failures: string[] = [];
  if (result.cancelled) failures.push('cancelled with its task');
  else if (result.timedOut) failures.push(`timed out after ${timeoutMs} ms and was killed`);
  else if (result.truncated) failures.push('printed more than the output cap and was stopped');
  else if (result.exitCode === null) failures.push('could not run');
  else if (result.exitCode !== expected) {
    failures.push(`exited ${result.exitCode}, expected ${expected}`);
  }
  if (failures.length === 0) {
    expectMatch(failures, 'stdout', check.stdout_regex, searchBounded, result.stdout);
    expectMatch(failures, 'stderr', check.stderr_regex, searchBounded, result.stderr);
  }
  const matched = check.stdout_regex || check.stderr_regex ? ', output matches' : '';
  return toCheckResult(
    check,
    {
      ran: `${check.cwd ? `(in ${check.cwd}) ` : ''}${result.commandLine}`,
      exitCode: result.exitCode,
      failures,
      passedBecause: `exit ${result.exitCode}${matched}`,
      output: joinStreams(result.stdout, result.stderr),
    },
    startedAt,
  );
}
