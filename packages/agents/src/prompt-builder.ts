import type { ActionDefinition } from '@codegod/actions';
import { buildMessages, type ChatMessage } from '@codegod/llm';
import type { Observation, Result, RunFact, Task } from '@codegod/protocol';
import { z } from 'zod';

/** What went wrong in one failed iteration, as the next prompt shows it. */
export interface IterationFailure {
  iteration: number;
  /** The first failed or refused action, with its error. */
  failedAction?: { action: string; args: unknown; output: string };
  /** The validator's output. */
  validation: string;
}

/** Everything the prompt of one iteration's Reason-and-Plan call is made of. */
export interface PromptInput {
  /** The role's system prompt (stable). */
  systemPrompt: string;
  /** `describeActionCatalogue(toolkit.actions)` (stable per role). */
  catalogue: string;
  /** The agent's core knowledge from memory (changes rarely). */
  knowledge: Record<string, unknown>;
  /** Facts the run's tasks found, on any agent; each names who found it. Default: none. */
  runFacts?: readonly RunFact[];
  task: Task;
  /** Results of the tasks this one depends on, by task id. */
  dependencies?: Readonly<Record<string, Result>>;
  observation: Observation;
  /** Failed iterations of this attempt, oldest first; only the last few are shown. */
  failures: readonly IterationFailure[];
  /** Notes left by earlier attempts that were wiped as stuck. */
  notes: readonly string[];
}

/** How many failed iterations a prompt shows; older ones add tokens, not insight. */
export const PROMPT_FAILURES_SHOWN = 3;

/** The action catalogue: each action's name, description and the JSON schema of its args. */
export function describeActionCatalogue(actions: readonly ActionDefinition[]): string {
  const entries = actions.map((action) => {
    const schema = z.toJSONSchema(action.input, { io: 'input', unrepresentable: 'any' });
    delete (schema as { $schema?: unknown }).$schema;
    return `- ${action.name}: ${action.description}\n  args: ${JSON.stringify(schema)}`;
  });
  return `Actions you can plan:\n${entries.join('\n')}`;
}

const json = (value: unknown) => JSON.stringify(value, null, 2);

/**
 * Builds the messages of an iteration's one Reason-and-Plan call through the llm package's `buildMessages`:
 * stable content first (system prompt and catalogue, identical for every call of a role) so
 * vLLM's prefix cache reuses it, task-specific content last.
 */
export function buildAgentMessages(input: PromptInput): ChatMessage[] {
  const sections: string[] = [];
  if (Object.keys(input.knowledge).length > 0)
    sections.push(`Knowledge:\n${json(input.knowledge)}`);
  const runFacts = input.runFacts ?? [];
  if (runFacts.length > 0) {
    const lines = runFacts.map(
      (fact) =>
        `- ${fact.name}: ${JSON.stringify(fact.value)} (found by ${fact.found_by}, ${fact.role}, in task ${fact.task_id} at ${new Date(fact.found_at).toISOString()})`,
    );
    sections.push(`Facts found earlier in this run:\n${lines.join('\n')}`);
  }
  sections.push(`Task:\n${json(input.task)}`);
  if ((input.task.acceptance ?? []).length > 0) {
    sections.push(
      'The task is done only when every check in its "acceptance" passes. codegod runs them after your actions; you cannot change or skip them, so do the work they check.',
    );
  }
  const dependencies = Object.entries(input.dependencies ?? {});
  if (dependencies.length > 0) {
    const lines = dependencies.map(
      ([id, result]) => `- ${id}: ${result.success ? 'done' : 'failed'}: ${result.output}`,
    );
    sections.push(`Results of the tasks this one depends on:\n${lines.join('\n')}`);
  }
  sections.push(`Observation:\n${json(input.observation)}`);
  if (input.notes.length > 0) {
    sections.push(
      `Earlier attempts were stopped as stuck:\n${input.notes.map((n) => `- ${n}`).join('\n')}`,
    );
  }
  const failures = input.failures.slice(-PROMPT_FAILURES_SHOWN);
  if (failures.length > 0) {
    const lines = failures.map((failure) => {
      const action = failure.failedAction
        ? ` Action ${failure.failedAction.action} ${JSON.stringify(failure.failedAction.args)} failed: ${failure.failedAction.output}.`
        : '';
      return `- Iteration ${failure.iteration}:${action} Validation: ${failure.validation}`;
    });
    sections.push(`Failures so far:\n${lines.join('\n')}`);
  }
  sections.push(
    'First reason about the task: analyse the problem, its root causes, your approach, the risks and the success criteria. Then plan the steps that complete it, using only the listed actions. Reply with one JSON object: the reasoning fields first, then the plan.',
  );
  return buildMessages({
    system: input.systemPrompt,
    catalogue: input.catalogue,
    context: sections.join('\n\n'),
  });
}
