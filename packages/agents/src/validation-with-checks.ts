import type { HealthCheck } from '@codegod/actions';
import type { CheckResult, Validation } from '@codegod/protocol';

/** Characters of one failing check's output shown in the validation output (and so the prompt). */
const FAILING_OUTPUT_SHOWN = 1500;

/**
 * Validate's verdict: the role's health check AND every one of the task's acceptance checks.
 * The output leads with the failing checks (what ran, why it failed, its output tail), as the
 * next iteration's prompt and a failed task's reason show it.
 */
export function validationWithChecks(health: HealthCheck, checks: CheckResult[]): Validation {
  const failing = checks.filter((check) => !check.passed);
  const lines = failing.map((check) => {
    const output = check.output.slice(-FAILING_OUTPUT_SHOWN);
    return `acceptance check failed: ${check.ran}: ${check.reason}${output ? `\n${output}` : ''}`;
  });
  if (checks.length > 0 && failing.length === 0) {
    lines.push(`${checks.length} acceptance check${checks.length === 1 ? '' : 's'} passed`);
  }
  lines.push(health.output);
  return {
    valid: health.valid && failing.length === 0,
    output: lines.filter((line) => line.length > 0).join('\n'),
    checks,
  };
}
