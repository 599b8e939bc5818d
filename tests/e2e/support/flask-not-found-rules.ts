import { decompositionReply, installRequirements, taskRules } from '@codegod/agents/testing';
import type { ScriptedRule } from '@codegod/llm/testing';
import type { AcceptanceCheck } from '@codegod/protocol';

/** The goal of "Flask not found": the app imports flask from its venv, and runs. */
export const FLASK_IMPORT_CHECK: AcceptanceCheck = {
  type: 'command',
  argv: ['venv/bin/python', '-c', 'import flask, app'],
};

/**
 * The scripted LLM's side of "Flask not found": the master decomposes into one backend task
 * `taskId`, checked by importing flask and the app in the venv, whose plan installs
 * requirements.txt into the venv.
 */
export function flaskNotFoundRules(taskId = 'install-flask'): ScriptedRule[] {
  return [
    {
      match: { role: 'master', phase: 'decompose' },
      reply: decompositionReply([
        {
          id: taskId,
          description: 'Install the missing Flask dependency into the venv',
          role: 'backend',
          depends_on: [],
          acceptance: [FLASK_IMPORT_CHECK],
        },
      ]),
    },
    ...taskRules('backend', taskId, [installRequirements]),
  ];
}
