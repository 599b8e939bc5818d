import { type ChatMessage, MAX_REPAIR_ECHO_CHARS } from '@codegod/llm';
import { cappedText, type Task, type TaskGraph, type TaskGraphError } from '@codegod/protocol';

/** What each worker role can do; part of the stable prompt prefix. */
export const ROLE_CAPABILITIES = `Roles and what their agents can do:
- backend: Python projects: create a venv, pip-install dependencies, edit requirements.txt, check files, run commands.
- frontend: Node projects: npm install, npm run scripts, edit package.json, fix the entry point, build.
- devops: Dockerfiles, images, containers, .env files, deployment.
- testing: run test suites (pytest, npm test, node --test), check syntax, turn failures into findings.`;

const MASTER_SYSTEM = `You are the master orchestrator of codegod, a fleet of software agents.
You break a user's problem into a small graph of concrete tasks for role agents.
Rules:
- Each task has a unique short id (letters, digits, "-", "_", "."), a one-sentence description, one role, and depends_on: the ids of tasks that must finish first.
- No cycles. Only depend on ids that exist in the graph.
- Tasks of different roles that do not depend on each other run in parallel; prefer wide graphs over long chains.
- Use as few tasks as solve the problem.
${ROLE_CAPABILITIES}`;

/** Messages asking for a task graph. Stable system content first, the problem last. */
export function decomposeMessages(problem: string): ChatMessage[] {
  return [
    { role: 'system', content: MASTER_SYSTEM },
    { role: 'user', content: `Problem: ${problem}\nReturn the task graph as JSON.` },
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

/** Messages asking for remediation tasks after failures. */
export function replanMessages(
  problem: string,
  graph: TaskGraph,
  failures: FailureReport[],
  round: number,
): ChatMessage[] {
  const failureText = failures
    .map(
      (f) =>
        `Task "${f.task.id}" (${f.task.role}): ${f.task.description}\n` +
        `  reason: ${f.reason}\n` +
        (f.validation ? `  validation: ${f.validation}\n` : '') +
        f.failedActions.map((a) => `  failed action: ${a}\n`).join(''),
    )
    .join('\n');
  return [
    { role: 'system', content: MASTER_SYSTEM },
    {
      role: 'user',
      content:
        `Problem: ${problem}\nCurrent task graph: ${JSON.stringify(graph)}\n` +
        `Replan round ${round}. These tasks failed:\n${failureText}\n` +
        'Return remediation tasks (new unique ids; they may depend on existing tasks) that fix the cause. ' +
        'The failed tasks run again after your new tasks. Set give_up to true only if no task can fix it.',
    },
  ];
}
