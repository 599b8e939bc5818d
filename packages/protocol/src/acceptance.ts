import { z } from 'zod';

// Decision: a task's success is proven by executable checks of its goal, after SetupBench's
// `success_command`. They come from the task (plan file or the master's decomposition), never
// from the agent's own plan, so an agent cannot weaken them. Fields are optional where a
// default is obvious; the check runner applies the defaults in CHECK_DEFAULTS, once.

/** Defaults of the optional check fields, applied by the check runner. */
export const CHECK_DEFAULTS = {
  /** The exit code a `command` check expects. */
  exitCode: 0,
  /** Milliseconds a `command` check (or an `http` check's request) may take. */
  timeoutMs: 120_000,
  /** The method of an `http` check. */
  method: 'GET',
  /** The path of an `http` check. */
  path: '/',
  /** The status an `http` check expects. */
  status: 200,
  /** Milliseconds an `http` check's service has to open its port. */
  startupTimeoutMs: 30_000,
  /** Milliseconds an `http` check's request may take once the port is open. */
  requestTimeoutMs: 10_000,
} as const;

/**
 * The fields of each kind of check, in the order an LLM writes them. The LLM's strict JSON shape
 * has every field present, `null` where the protocol check has none.
 */
export const CHECK_FIELDS = {
  command: ['type', 'argv', 'cwd', 'exit_code', 'stdout_regex', 'stderr_regex', 'timeout_ms'],
  file: ['type', 'path', 'content_regex'],
  http: [
    'type',
    'service',
    'cwd',
    'port',
    'method',
    'path',
    'status',
    'body_regex',
    'startup_timeout_ms',
    'timeout_ms',
  ],
} as const;

/** A check with every field of its kind present, `null` where it has none (the LLM's shape). */
export function withEveryCheckField(
  check: { type: keyof typeof CHECK_FIELDS } & Record<string, unknown>,
): Record<string, unknown> {
  return Object.fromEntries(CHECK_FIELDS[check.type].map((field) => [field, check[field] ?? null]));
}

/** The bounds of a check's timeouts, in ms: long enough for a test suite, short of a run. */
export const CHECK_TIMEOUT_BOUNDS = { min: 100, max: 30 * 60_000 } as const;

/** Checks one task (or one run) may carry. */
export const MAX_CHECKS = 20;

/** Characters of a check's output kept in its result (the tail, where errors are). */
export const CHECK_OUTPUT_TAIL = 2000;

/** Cuts `text` to `max` characters for an error message. */
export function clip(text: string, max = 120): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}

/**
 * Why `path` is not a workspace-relative path, or undefined when it is. Lexical only: the
 * sandbox also follows symlinks when the check runs.
 */
export function workspacePathProblem(path: string): string | undefined {
  if (path.includes('\0')) return 'contains a NUL byte';
  if (path.startsWith('/') || path.startsWith('\\') || /^[A-Za-z]:/.test(path)) {
    return 'must be relative to the workspace, not absolute';
  }
  if (path.startsWith('~')) return 'must be relative to the workspace, not to a home folder';
  if (path.split(/[\\/]/).includes('..')) return 'must stay inside the workspace (no "..")';
  return undefined;
}

/** Compiles a check's regex source; the `m` flag lets `^` and `$` match at line ends. */
export function compileCheckRegex(source: string): RegExp {
  return new RegExp(source, 'm');
}

const workspacePath = z
  .string()
  .min(1)
  .max(1024)
  .superRefine((path, context) => {
    const problem = workspacePathProblem(path);
    if (problem) context.addIssue({ code: 'custom', message: problem });
  });

const regexSource = z
  .string()
  .min(1)
  .max(1000)
  .superRefine((source, context) => {
    try {
      compileCheckRegex(source);
    } catch (error) {
      context.addIssue({
        code: 'custom',
        message: `is not a valid regular expression (${clip((error as Error).message)})`,
      });
    }
  });

const timeoutMs = z.number().int().min(CHECK_TIMEOUT_BOUNDS.min).max(CHECK_TIMEOUT_BOUNDS.max);

/** An executable and its arguments, run with no shell. */
export const argvSchema = z
  .array(z.string().max(16_384))
  .min(1, 'must name a program')
  .max(256)
  .refine((argv) => (argv[0] ?? '').length > 0, 'must start with a program name');

/** `command`: runs an argv with no shell; passes on the expected exit code and regexes. */
export const commandCheckSchema = z.strictObject({
  type: z.literal('command'),
  argv: argvSchema,
  /** Working directory, relative to the workspace. Default: the workspace. */
  cwd: workspacePath.optional(),
  /** Default: 0. */
  exit_code: z.number().int().min(0).max(255).optional(),
  /** A regex stdout must match (searched, `m` flag). */
  stdout_regex: regexSource.optional(),
  /** A regex stderr must match (searched, `m` flag). */
  stderr_regex: regexSource.optional(),
  /** Default: 120000. */
  timeout_ms: timeoutMs.optional(),
});

/** `file`: a workspace path that must exist, optionally with content matching a regex. */
export const fileCheckSchema = z.strictObject({
  type: z.literal('file'),
  path: workspacePath,
  /** A regex the file's content must match (searched, `m` flag). */
  content_regex: regexSource.optional(),
});

/** HTTP methods an `http` check may send. */
export const HTTP_CHECK_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/**
 * `http`: starts `service` in the background inside the sandbox, waits for `port` on
 * 127.0.0.1, sends METHOD PATH, expects `status` and an optional body regex, then stops the
 * service's whole process tree.
 */
export const httpCheckSchema = z.strictObject({
  type: z.literal('http'),
  /** The service's argv, e.g. `["venv/bin/python", "app.py"]`. */
  service: argvSchema,
  /** The service's working directory, relative to the workspace. Default: the workspace. */
  cwd: workspacePath.optional(),
  port: z.number().int().min(1).max(65_535),
  /** Default: GET. */
  method: z.enum(HTTP_CHECK_METHODS).optional(),
  /** Default: `/`. */
  path: z
    .string()
    .max(2048)
    .regex(/^\/[^\s]*$/, 'must start with "/" and hold no spaces')
    .optional(),
  /** Default: 200. */
  status: z.number().int().min(100).max(599).optional(),
  /** A regex the response body must match (searched, `m` flag). */
  body_regex: regexSource.optional(),
  /** Milliseconds the service has to open its port. Default: 30000. */
  startup_timeout_ms: timeoutMs.optional(),
  /** Milliseconds the request may take. Default: 10000. */
  timeout_ms: timeoutMs.optional(),
});

/** One acceptance check of a task or a run. */
export const acceptanceCheckSchema = z.discriminatedUnion('type', [
  commandCheckSchema,
  fileCheckSchema,
  httpCheckSchema,
]);
/** One acceptance check of a task or a run. */
export type AcceptanceCheck = z.infer<typeof acceptanceCheckSchema>;
/** A `command` check. */
export type CommandCheck = z.infer<typeof commandCheckSchema>;
/** A `file` check. */
export type FileCheck = z.infer<typeof fileCheckSchema>;
/** An `http` check. */
export type HttpCheck = z.infer<typeof httpCheckSchema>;

/** Problems listed for one check list, so a hostile one cannot make an unbounded message. */
const MAX_LISTED_PROBLEMS = 5;

/**
 * Reads a list of checks (a task's `acceptance`, a run's checks): the parsed checks, or one
 * bounded line naming each problem by index and field.
 */
export function readCheckList(raw: unknown): { checks: AcceptanceCheck[] } | { problem: string } {
  if (!Array.isArray(raw)) return { problem: '"acceptance" must be an array of checks' };
  if (raw.length > MAX_CHECKS) {
    return {
      problem: `"acceptance" has ${raw.length} checks; at most ${MAX_CHECKS} are allowed`,
    };
  }
  const checks: AcceptanceCheck[] = [];
  const problems: string[] = [];
  raw.forEach((entry, index) => {
    const parsed = acceptanceCheckSchema.safeParse(entry);
    if (parsed.success) {
      checks.push(parsed.data);
      return;
    }
    for (const issue of parsed.error.issues) {
      const field = issue.path.map(String).join('.');
      problems.push(`acceptance[${index}]${field ? `.${field}` : ''}: ${clip(issue.message)}`);
    }
  });
  if (problems.length === 0) return { checks };
  const more =
    problems.length > MAX_LISTED_PROBLEMS
      ? ` (and ${problems.length - MAX_LISTED_PROBLEMS} more)`
      : '';
  return { problem: `${problems.slice(0, MAX_LISTED_PROBLEMS).join('; ')}${more}` };
}

/** What running one check showed. */
export const checkResultSchema = z.object({
  /** The check as the task or run gave it. */
  check: acceptanceCheckSchema,
  /** What ran, in one line, e.g. `venv/bin/python -c 'import flask'`. */
  ran: z.string(),
  passed: z.boolean(),
  /** The command's (or the service's) exit code; null for `file` checks or a killed command. */
  exit_code: z.number().int().nullable(),
  /** One line: why it passed or failed. */
  reason: z.string(),
  /** The tail of the output, secrets redacted. */
  output: z.string(),
  duration_ms: z.number().nonnegative(),
});
/** What running one check showed. */
export type CheckResult = z.infer<typeof checkResultSchema>;

/** How a succeeded task or run proved it: by passing checks, or not at all. */
export type Proof = 'verified' | 'unverified';

/** The proof of a validation: verified when it ran checks and every one passed. */
export function proofOf(checks: readonly CheckResult[]): Proof {
  return checks.length > 0 && checks.every((c) => c.passed) ? 'verified' : 'unverified';
}

/** Quotes an argument for display the way a POSIX shell would read it back. */
function shellQuote(argument: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(argument)
    ? argument
    : `'${argument.replaceAll("'", `'\\''`)}'`;
}

/** An argv as one readable command line. */
export function formatArgv(argv: readonly string[]): string {
  return argv.map(shellQuote).join(' ');
}

/** One line saying what a check runs and expects. */
export function describeCheck(check: AcceptanceCheck): string {
  switch (check.type) {
    case 'command': {
      const where = check.cwd ? `(in ${check.cwd}) ` : '';
      const expect = check.exit_code ? ` (expects exit ${check.exit_code})` : '';
      return `${where}${formatArgv(check.argv)}${expect}`;
    }
    case 'file':
      return check.content_regex
        ? `file ${check.path} matches /${check.content_regex}/`
        : `file ${check.path} exists`;
    case 'http': {
      const method = check.method ?? CHECK_DEFAULTS.method;
      const path = check.path ?? CHECK_DEFAULTS.path;
      const status = check.status ?? CHECK_DEFAULTS.status;
      return `${method} http://127.0.0.1:${check.port}${path} -> ${status} (service: ${formatArgv(check.service)})`;
    }
  }
}

/**
 * The user's run check (`codegod build --check`): a shell command line, as SetupBench's
 * `success_command`, run by `sh -c` inside the same confinement as every action.
 */
export function shellCommandCheck(commandLine: string, timeout?: number): CommandCheck {
  return {
    type: 'command',
    argv: ['sh', '-c', commandLine],
    ...(timeout !== undefined ? { timeout_ms: timeout } : {}),
  };
}
