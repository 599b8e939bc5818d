import { planReply, reasoningReply, type ScriptedStep } from '@codegod/agents/testing';
import type { ScriptedRule } from '@codegod/llm/testing';
import type { TaskGraph } from '@codegod/protocol';

// Small, readable LLM replies for the fault suite; each matches a schema the agents or the
// master ask for, so the scripted server is the only stand-in.

/** A schema-valid reasoning record: the first fields of every agent reply. */
export const REASONING = reasoningReply('run the step in the plan');

/** One plan step with its action's arguments. */
export function step(action: string, args: Record<string, unknown>): ScriptedStep {
  return { action, args, target: String(args.path ?? args.command ?? action) };
}

/** A schema-valid LLM plan with these steps. */
export function planOf(...steps: ScriptedStep[]) {
  return planReply(steps, REASONING.approach);
}

/**
 * A slow command that is allowed to run: `python3 slow.py SECONDS` in the workspace. The
 * script (SLOW_SCRIPT, written by the test) logs `start ID` to executions.log, keeps a child
 * process alive for SECONDS, then logs `end ID`: an execution that reached its end.
 */
export function slowStep(seconds: number) {
  return step('run_command', { command: 'python3', args: ['slow.py', String(seconds)] });
}

/** The script `slowStep` runs; write it to the workspace as slow.py. */
export const SLOW_SCRIPT = `import subprocess, sys, time, uuid
run = uuid.uuid4().hex[:8]
log = open('executions.log', 'a', buffering=1)
log.write('start ' + run + '\\n')
# A child, so the command is a process tree, as npm and pip commands are.
child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)'])
time.sleep(float(sys.argv[1]))
child.kill()
log.write('end ' + run + '\\n')
`;

/** The lines of executions.log: `start ID` and `end ID`. */
export function executions(log: string): { starts: string[]; ends: string[] } {
  const lines = log.split('\n').filter((line) => line.trim());
  return {
    starts: lines.filter((l) => l.startsWith('start ')).map((l) => l.slice(6)),
    ends: lines.filter((l) => l.startsWith('end ')).map((l) => l.slice(4)),
  };
}

/** Rules answering every agent of `role` with `plan`; the master gives up on replan. */
export function agentRules(
  role: string,
  plan: ScriptedRule['reply'],
  extra: Partial<ScriptedRule> = {},
): ScriptedRule[] {
  return [{ match: { role, phase: 'plan' }, reply: plan, ...extra }, giveUpRule()];
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
