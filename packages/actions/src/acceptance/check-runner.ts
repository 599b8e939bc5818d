import { tmpdir } from 'node:os';
import { type AcceptanceCheck, type CheckResult, describeCheck } from '@codegod/protocol';
import type { ActionContext, CheckRunner } from '../action.js';
import type { Sandbox } from '../sandbox/sandbox.js';
import { resolveSandboxOptions } from '../sandbox/sandbox-options.js';
import { type SandboxFactory, sandboxFactory, type ToolkitOptions } from '../shared/sandbox-for.js';
import { toCheckResult } from './check-outcome.js';
import { runCommandCheck } from './command-check.js';
import { runFileCheck } from './file-check.js';
import { runHttpCheck } from './http-check.js';

/** Runs one check; a check that cannot even start (a path outside the workspace) fails. */
async function runCheck(
  box: Sandbox,
  check: AcceptanceCheck,
  signal: AbortSignal | undefined,
): Promise<CheckResult> {
  const startedAt = performance.now();
  try {
    switch (check.type) {
      case 'command':
        return await runCommandCheck(box, check, signal);
      case 'file':
        return await runFileCheck(box, check);
      case 'http':
        return await runHttpCheck(box, check, signal);
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const outcome = {
      ran: box.redact(describeCheck(check)),
      exitCode: null,
      failures: [box.redact(message)],
      passedBecause: '',
      output: '',
    };
    return toCheckResult(check, outcome, startedAt);
  }
}

/**
 * A check runner over a role's sandboxes: the checks go through the same runner (and so the
 * same confinement) as the role's actions, one after another (two `http` checks may want the
 * same port).
 */
export function checkRunner(sandbox: SandboxFactory): CheckRunner {
  return {
    async runChecks(checks: readonly AcceptanceCheck[], context: ActionContext) {
      if (checks.length === 0) return [];
      const box = sandbox(context.workspace);
      const results: CheckResult[] = [];
      for (const check of checks) results.push(await runCheck(box, check, context.signal));
      return results;
    },
  };
}

/**
 * The check runner the master uses for a run's own checks: the sandbox settings of the
 * toolkits (the same runner), with no allowlist, since checks are not actions.
 */
export function createCheckRunner(options: ToolkitOptions = {}): CheckRunner {
  resolveSandboxOptions({ ...options, workspace: tmpdir(), allowlist: [] });
  return checkRunner(sandboxFactory([], options));
}
