import type { ScriptedRule } from '@codegod/llm/testing';
import { type AcceptanceCheck, withEveryCheckField } from '@codegod/protocol';

// Replies for the scripted LLM server in the shapes the agent asks for, shared by every test
// that drives agents through it.

/** One step of a scripted plan: the action and its arguments. */
export interface ScriptedStep {
  action: string;
  args: Record<string, unknown>;
  target?: string;
}

/** A Reasoning reply, filled enough to read well in the run report. */
export function reasoningReply(approach: string) {
  return {
    problem_analysis: approach,
    root_causes: [],
    approach,
    risks: [],
    success_criteria: ['the role validator passes'],
    conclusion: approach,
  };
}

/**
 * The one reply of an agent iteration as the LLM writes it: the Reasoning fields (with
 * `approach`), then the plan, each step with its action's arguments.
 */
export function planReply(steps: ScriptedStep[], approach = 'run the planned steps') {
  return {
    ...reasoningReply(approach),
    steps: steps.map((step) => ({
      action: step.action,
      target: step.target ?? step.action,
      method: step.action,
      expected: 'the action succeeds',
      args: step.args,
    })),
    estimated_duration: '1 minute',
    confidence: 0.9,
  };
}

/** A task of a decomposition or replan reply; the master's schema wants at least one check. */
export interface ScriptedTask {
  id: string;
  description: string;
  role: 'backend' | 'frontend' | 'devops' | 'testing';
  depends_on: string[];
  acceptance: AcceptanceCheck[];
}

/** The fields of each check kind the LLM must write, `null` when unused. */
/** A check as the master's LLM writes it: every field present, null where `check` has none. */
export function llmCheck(check: AcceptanceCheck): Record<string, unknown> {
  return withEveryCheckField(check);
}

/** A task as the master's LLM writes it. */
function llmTask(task: ScriptedTask) {
  return { ...task, acceptance: task.acceptance.map(llmCheck) };
}

/** A decomposition reply: the tasks, and the checks of the whole run the master proposes. */
export function decompositionReply(tasks: ScriptedTask[], runChecks: AcceptanceCheck[] = []) {
  return { tasks: tasks.map(llmTask), run_checks: runChecks.map(llmCheck) };
}

/** A replan reply adding `tasks` (or giving up when there are none). */
export function replanReply(analysis: string, tasks: ScriptedTask[]) {
  return { analysis, give_up: tasks.length === 0, tasks: tasks.map(llmTask) };
}

/**
 * The text that marks a prompt as being about task `id`: the agent prompt prints the task as
 * indented JSON, while dependency results are listed as `- id: done: ...`, so this matches
 * only the task's own prompts.
 */
export function taskMarker(id: string): string {
  return `"id": "${id}"`;
}

/** The rule of one task of `role` (one reply per iteration), matched on the task id in the prompt. */
export function taskRules(
  role: ScriptedTask['role'],
  id: string,
  steps: ScriptedStep[],
  options: { planLatencyMs?: number } = {},
): ScriptedRule[] {
  return [
    {
      match: { role, phase: 'plan', contains: taskMarker(id) },
      reply: planReply(steps, `complete ${id}`),
      ...(options.planLatencyMs ? { latencyMs: options.planLatencyMs } : {}),
    },
  ];
}

/** The backend step that repairs "Flask not found": pip install -r requirements.txt. */
export const installRequirements: ScriptedStep = {
  action: 'install_dependency',
  target: 'requirements.txt',
  args: { requirements_file: 'requirements.txt', venv: 'venv' },
};
