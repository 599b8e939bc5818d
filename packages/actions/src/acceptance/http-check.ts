import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import {
  CHECK_DEFAULTS,
  type CheckResult,
  describeCheck,
  type HttpCheck,
  workspacePathProblem,
} from '@codegod/protocol';
import { z } from 'zod';
import type { Sandbox } from '../sandbox/sandbox.js';
import { joinStreams, toCheckResult } from './check-outcome.js';

// Decision: the request is sent from inside the sandbox, by a small node probe of codegod's
// own that starts the service as its child, rather than from the worker. Under a runner that
// unshares the network, a service inside the sandbox is unreachable from the worker; and with
// the service a child of the probe, the runner's kill of the probe's tree stops the service
// too, on success, failure, timeout or cancel alike.

/** The probe's source; the same path from src/acceptance and dist/acceptance. */
const PROBE_FILE = new URL('../../assets/http-probe.cjs', import.meta.url);
/** The prefix of the probe's verdict line on stdout. */
const MARKER = 'codegod-http-check ';
/** Milliseconds the service has to exit after SIGTERM before SIGKILL. */
export const SERVICE_STOP_GRACE_MS = 2000;
/** Slack on top of the probe's own waits before the runner kills it (node's start-up). */
const PROBE_SLACK_MS = 10_000;

let probeSource: string | undefined;

const verdictSchema = z.object({
  failures: z.array(z.string()),
  status: z.number().int().nullable(),
  body: z.string(),
  service_exit_code: z.number().int().nullable(),
  service_output: z.string(),
});

/**
 * Runs an `http` check: the probe (node, through the sandbox's runner) starts the service,
 * waits for its port on 127.0.0.1, sends the request, checks status and body, and stops the
 * service's tree; the probe's handle is stopped in any case when the check ends.
 */
export async function runHttpCheck(
  box: Sandbox,
  check: HttpCheck,
  signal: AbortSignal | undefined,
): Promise<CheckResult> {
  const startedAt = performance.now();
  const ran = box.redact(describeCheck(check));
  const [file = '', ...args] = check.service;
  const local = file.includes('/') && !isAbsolute(file);
  const problem = local ? workspacePathProblem(join(check.cwd ?? '.', file)) : undefined;
  if (problem) {
    const failures = [`the service program ${file} ${problem}`];
    const outcome = { ran, exitCode: null, failures, passedBecause: '', output: '' };
    return toCheckResult(check, outcome, startedAt);
  }
  const config = {
    file,
    args,
    port: check.port,
    method: check.method ?? CHECK_DEFAULTS.method,
    path: check.path ?? CHECK_DEFAULTS.path,
    status: check.status ?? CHECK_DEFAULTS.status,
    bodyRegex: check.body_regex ?? null,
    startupTimeoutMs: check.startup_timeout_ms ?? CHECK_DEFAULTS.startupTimeoutMs,
    requestTimeoutMs: check.timeout_ms ?? CHECK_DEFAULTS.requestTimeoutMs,
    stopGraceMs: SERVICE_STOP_GRACE_MS,
  };
  probeSource ??= readFileSync(PROBE_FILE, 'utf8');
  const timeoutMs =
    config.startupTimeoutMs + config.requestTimeoutMs + SERVICE_STOP_GRACE_MS + PROBE_SLACK_MS;
  const probe = await box.startCheckCommand(
    [process.execPath, '-e', probeSource, JSON.stringify(config)],
    {
      ...(check.cwd !== undefined ? { cwd: check.cwd } : {}),
      timeoutMs,
      ...(signal ? { signal } : {}),
    },
  );
  let result: Awaited<typeof probe.done>;
  try {
    result = await probe.done;
  } finally {
    // Whatever happened above, nothing the probe started outlives the check.
    await probe.stop();
  }
  const verdict = readVerdict(result.stdout);
  const failures: string[] = [];
  if (!verdict) {
    if (result.cancelled) failures.push('cancelled with its task');
    else if (result.timedOut)
      failures.push(`the probe timed out after ${timeoutMs} ms and was killed`);
    else failures.push(`the probe ended without a verdict (exit ${result.exitCode ?? 'killed'})`);
  } else failures.push(...verdict.failures.map(box.redact));
  const output = verdict
    ? [
        verdict.status !== null ? `HTTP ${verdict.status}\n${box.redact(verdict.body)}` : '',
        verdict.service_output ? `service output:\n${box.redact(verdict.service_output)}` : '',
      ]
        .filter((part) => part.length > 0)
        .join('\n')
    : joinStreams(result.stdout, result.stderr);
  return toCheckResult(
    check,
    {
      ran,
      exitCode: verdict?.service_exit_code ?? null,
      failures,
      passedBecause: `${config.method} ${config.path} returned ${verdict?.status}${config.bodyRegex ? ', body matches' : ''}`,
      output,
    },
    startedAt,
  );
}

function readVerdict(stdout: string): z.infer<typeof verdictSchema> | undefined {
  const line = stdout
    .split('\n')
    .reverse()
    .find((candidate) => candidate.startsWith(MARKER));
  if (!line) return undefined;
  try {
    return verdictSchema.parse(JSON.parse(line.slice(MARKER.length)));
  } catch {
    return undefined;
  }
}
