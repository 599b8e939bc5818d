import { type ChatMessage, MAX_REPAIR_ECHO_CHARS } from '@codegod/llm';
import {
  type AcceptanceCheck,
  type CheckResult,
  cappedText,
  type Task,
  type TaskGraph,
  type TaskGraphError,
  WORKER_ROLES,
  type WorkerRole,
} from '@codegod/protocol';
import { toLlmCheck } from '../llm-checks.js';
import { MASTER_WORKED_EXAMPLE } from './master-worked-example.js';

/**
 * The master's list of roles when the wiring gives none: their names, nothing of what they
 * can do. The wiring passes the list generated from the role registry (roleCapabilities).
 */
export const ROLE_NAMES_ONLY = `Roles: ${WORKER_ROLES.join(', ')}.`;

/** Example acceptance checks of some roles, for the decomposition prompt. */
export const ROLE_CHECK_EXAMPLES: Partial<Record<WorkerRole, AcceptanceCheck[]>> = {
  backend: [
    {
      type: 'http',
      service: ['venv/bin/python', 'app.py'],
      port: 5000,
      path: '/health',
      status: 200,
      body_regex: 'ok',
    },
    { type: 'command', argv: ['venv/bin/python', '-c', 'import flask'] },
  ],
  frontend: [{ type: 'command', argv: ['npm', 'run', 'build'], cwd: 'frontend' }],
  devops: [{ type: 'file', path: 'Dockerfile', content_regex: '^FROM ' }],
  testing: [
    { type: 'command', argv: ['venv/bin/python', '-m', 'pytest', '-q'], stdout_regex: 'passed' },
  ],
};

/** How to write acceptance checks, with an example per role; part of the stable prefix. */
export const ACCEPTANCE_GUIDE = `Acceptance checks: every task has at least one in "acceptance". codegod runs them after the agent's work and the task succeeds only if all pass, so each must fail until the task is really done. Fields you do not use are null; paths are relative to the workspace. Kinds:
- "command": runs argv with no shell (never "sh -c"); passes on exit_code (default 0) and the optional stdout_regex/stderr_regex.
- "file": path exists, and its content matches content_regex when given.
- "http": starts the service argv, waits for port on 127.0.0.1, sends method (default GET) path, expects status (default 200) and body_regex when given, then stops the service.
Examples:
${WORKER_ROLES.map((role) => (ROLE_CHECK_EXAMPLES[role] ?? []).map((check) => `- ${role}: ${JSON.stringify(toLlmCheck(check))}`).join('\n')).join('\n')}
"run_checks" check the whole problem once every task has succeeded (often the problem's own symptom, e.g. the failing import); use [] when the task checks cover it.`;

/** What a master prompt is built around, besides the problem. */
export interface MasterPromptContext {
  /** The workspace survey as prompt text, already redacted. Default: none. */
  survey?: string;
  /**
   * The roles and what their agents can do, part of the stable prefix; the wiring generates it
   * from the role registry (`describeRoleCapabilities` in @codegod/actions). Default:
   * ROLE_NAMES_ONLY.
   */
  roleCapabilities?: string;
}

/** The master's system prompt: rules, the roles, acceptance checks, the worked example. */
export function masterSystemPrompt(roleCapabilities: string = ROLE_NAMES_ONLY): string {
  return `You are the master orchestrator of codegod, a fleet of software agents.
You break a user's problem into a small graph of concrete tasks for role agents.
Rules:
- Each task has a unique short id (letters, digits, "-", "_", "."), a one-sentence description, one role, depends_on: the ids of tasks that must finish first, and acceptance: the checks that prove it done.
- No cycles. Only depend on ids that exist in the graph.
- Tasks of different roles that do not depend on each other run in parallel; prefer wide graphs over long chains.
- Use as few tasks as solve the problem.
${roleCapabilities}
${ACCEPTANCE_GUIDE}
Before each request you get a survey of the workspace: its files, manifests, detected stack, git status and the role observers' findings. Plan from what it shows; do not plan work it shows is already done.
${MASTER_WORKED_EXAMPLE}`;
}

/** The survey section of a master request, or nothing when there was no survey. */
function surveySection(survey: string | undefined): string {
  return survey ? `Workspace survey:\n${survey}\n\n` : '';
}

/**
 * Messages asking for a task graph. Stable system content first (prefix-cached), then the
 * workspace survey, the problem last.
 */
export function decomposeMessages(
  problem: string,
  context: MasterPromptContext = {},
): ChatMessage[] {
  return [
    { role: 'system', content: masterSystemPrompt(context.roleCapabilities) },
    {
      role: 'user',
      content: `${surveySection(context.survey)}Problem: ${problem}\nReturn the task graph as JSON.`,
    },
  ];
}

/** The follow-up that feeds a graph's validation errors back for repair. */
export function repairMessages(graph: unknown, errors: TaskGraphError[]): ChatMessage[] {
  return [
    // A graph past the echo limit is far over the task limit anyway; the model rewrites it whole.
    { role: 'assistant', content: cappedText(JSON.stringify(graph), MAX_REPAIR_ECHO_CHARS) },
    {
      role: 'user',
      content: `That task graph is invalid:\n${errors.map((e) => `- ${e.message}`).join('\n')}\nReturn a corrected task graph as JSON.`,
    },
  ];
}

/** A failed task, as the master explains it to the LLM when replanning. */
export interface FailureReport {
  task: Task;
  reason: string;
  validation: string | null;
  failedActions: string[];
}

/** What a replan is asked to fix: failed tasks, or the run's own checks that failed. */
export interface ReplanInput extends MasterPromptContext {
  failures: FailureReport[];
  /** The run's checks that failed once every task had succeeded. */
  failedRunChecks: CheckResult[];
  round: number;
}

/** A failed run check, as the replan prompt shows it. */
function describeFailedCheck(check: CheckResult): string {
  const output = check.output ? `\n  output:\n${check.output.replace(/^/gm, '    ')}` : '';
  return `- ${check.ran}: ${check.reason}${output}`;
}

/** Messages asking for remediation tasks after failed tasks or failed run checks. */
export function replanMessages(
  problem: string,
  graph: TaskGraph,
  input: ReplanInput,
): ChatMessage[] {
  const failureText = input.failures
    .map(
      (f) =>
        `Task "${f.task.id}" (${f.task.role}): ${f.task.description}\n` +
        `  reason: ${f.reason}\n` +
        (f.validation ? `  validation: ${f.validation}\n` : '') +
        f.failedActions.map((a) => `  failed action: ${a}\n`).join(''),
    )
    .join('\n');
  const what =
    input.failures.length > 0
      ? `These tasks failed:\n${failureText}\nReturn remediation tasks (new unique ids; they may depend on existing tasks) that fix the cause. The failed tasks run again after your new tasks.`
      : `Every task succeeded, but these checks of the whole problem failed:\n${input.failedRunChecks.map(describeFailedCheck).join('\n')}\nReturn tasks (new unique ids; they may depend on existing tasks) that do the missing work; the checks run again after them.`;
  return [
    { role: 'system', content: masterSystemPrompt(input.roleCapabilities) },
    {
      role: 'user',
      content:
        `${surveySection(input.survey)}Problem: ${problem}\nCurrent task graph: ${JSON.stringify(graph)}\n` +
        `Replan round ${input.round}. ${what} Set give_up to true only if no task can fix it.`,
    },
  ];
}
