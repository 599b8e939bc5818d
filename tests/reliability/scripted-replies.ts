import { planReply, reasoningReply, type ScriptedStep } from '@codegod/agents/testing';
import type { ScriptedRule } from '@codegod/llm/testing';
import type { TaskGraph } from '@codegod/protocol';

// Small, readable LLM replies for the fault suite; each matches a schema the agents or the
// master ask for, so the scripted server is the only stand-in.

/** A schema-valid reasoning record. */
export const REASONING = reasoningReply('run the step in the plan');

/** One plan step; `args` is sent as `args_json`. */
export function step(action: string, args: Record<string, unknown>): ScriptedStep {
  return { action, args, target: String(args.path ?? args.command ?? action) };
}

/** A schema-valid LLM plan with these steps. */
export function planOf(...steps: ScriptedStep[]) {
  return planReply(steps);
}

/** A backend step that runs python for `seconds`, so a kill lands mid-task. */
export function sleepStep(seconds: number) {
  return step('run_command', {
    command: 'python3',
    args: ['-c', `import time; time.sleep(${seconds})`],
  });
}

/** Rules answering every agent of `role` with REASONING and `plan`; the master gives up on replan. */
export function agentRules(
  role: string,
  plan: ScriptedRule['reply'],
  extra: Partial<ScriptedRule> = {},
): ScriptedRule[] {
  return [
    { match: { role, phase: 'reason' }, reply: REASONING },
    { match: { role, phase: 'plan' }, reply: plan, ...extra },
    giveUpRule(),
  ];
}

/** The master's replan answer: give up with a recognisable analysis. */
export function giveUpRule(): ScriptedRule {
  return {
    match: { phase: 'replan' },
    reply: { analysis: 'scripted master gives up', give_up: true, tasks: [] },
  };
}

/** `count` independent backend tasks. */
export function backendTasks(count: number, prefix = 't'): TaskGraph {
  return {
    tasks: Array.from({ length: count }, (_, i) => ({
      id: `${prefix}${i + 1}`,
      description: `backend task ${i + 1}`,
      role: 'backend' as const,
      depends_on: [],
    })),
  };
}
