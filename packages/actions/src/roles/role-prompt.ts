import type { Observation, Plan, Reasoning, Result, Task } from '@codegod/protocol';

/** One iteration done well, in the seed's records: what the model is shown to imitate. */
export interface WorkedExample {
  task: Pick<Task, 'description'>;
  observation: Observation;
  reasoning: Reasoning;
  plan: Plan;
  result: Pick<Result, 'success' | 'output' | 'actions_taken' | 'validation'>;
}

/** The rules every role shares, after the role says who it is. */
const SHARED = [
  'You work inside one workspace folder; every path is relative to it.',
  'You only act through the listed actions. Each plan step names one action and gives that',
  "action's arguments in args, matching its schema.",
  'Keep plans short. Every action is verified, and the task is done only when validation passes.',
  'When an earlier attempt failed, read why and change the approach instead of repeating it.',
].join('\n');

/** A worked example as prompt text: one record per line, in the order of the loop. */
export function describeWorkedExample(example: WorkedExample): string {
  return [
    'Worked example (one iteration, in the records you read and write; your task will differ):',
    `Task: ${example.task.description}`,
    `Observation: ${JSON.stringify(example.observation)}`,
    `Reasoning: ${JSON.stringify(example.reasoning)}`,
    `Plan: ${JSON.stringify(example.plan)}`,
    `Result: ${JSON.stringify(example.result)}`,
  ].join('\n');
}

/**
 * A role's system prompt: who it is, the shared rules, then its worked example (stable, so
 * prefix caching makes the example free after the first call).
 */
export function rolePrompt(identity: string, example: WorkedExample): string {
  return `${identity}\n${SHARED}\n\n${describeWorkedExample(example)}`;
}
