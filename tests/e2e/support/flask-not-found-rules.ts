import { installRequirements, taskRules } from '@codegod/agents/testing';
import type { ScriptedRule } from '@codegod/llm/testing';

/**
 * The scripted LLM's side of "Flask not found": the master decomposes into one backend task
 * `taskId`, whose plan installs requirements.txt into the venv.
 */
export function flaskNotFoundRules(taskId = 'install-flask'): ScriptedRule[] {
  return [
    {
      match: { role: 'master', phase: 'decompose' },
      reply: {
        tasks: [
          {
            id: taskId,
            description: 'Install the missing Flask dependency into the venv',
            role: 'backend',
            depends_on: [],
          },
        ],
      },
    },
    ...taskRules('backend', taskId, [installRequirements]),
  ];
}
