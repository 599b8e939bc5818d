import type { LlmClient, TokenUsage } from '@codegod/llm';
import {
  type AcceptanceCheck,
  readCheckList,
  type TaskGraph,
  type TaskGraphError,
  taskIdSchema,
  validateTaskGraph,
  WORKER_ROLES,
} from '@codegod/protocol';
import { z } from 'zod';
import { DecompositionError } from './errors/decomposition-error.js';
import { fromLlmCheck, type LlmCheck, llmCheckSchema, shellCheckErrors } from './llm-checks.js';
import { decomposeMessages, repairMessages } from './prompts/master-prompts.js';

/**
 * A task as the LLM writes it: at least one acceptance check that proves it done. The graph
 * (unique ids, known dependencies, no cycles) and the checks are checked by validateTaskGraph.
 */
export const llmTaskSchema = z.object({
  // The id's length and pattern are sent, so a guided-decoding server writes a valid id.
  id: taskIdSchema,
  description: z.string(),
  role: z.enum(WORKER_ROLES),
  depends_on: z.array(taskIdSchema),
  acceptance: z
    .array(llmCheckSchema)
    .min(1)
    .describe('executable checks that pass only when the task is done'),
});
/** A task as the LLM writes it. */
export type LlmTask = z.infer<typeof llmTaskSchema>;

/** The LLM-facing task graph schema (strict-JSON-schema friendly). */
export const llmTaskGraphSchema = z.object({
  tasks: z.array(llmTaskSchema),
  run_checks: z
    .array(llmCheckSchema)
    .describe('checks of the whole problem, run once every task has succeeded; may be empty'),
});

/** Protocol tasks from the LLM's: each check's null fields take their defaults. */
export function fromLlmTasks(tasks: readonly LlmTask[]) {
  return tasks.map((task) => ({ ...task, acceptance: task.acceptance.map(fromLlmCheck) }));
}

/** Errors for checks that start a shell, in every task of `tasks`. */
export function taskShellErrors(tasks: readonly LlmTask[]): TaskGraphError[] {
  return tasks.flatMap((task) =>
    shellCheckErrors(task.acceptance, { label: `task "${task.id}"`, taskIds: [task.id] }),
  );
}

/** The run checks the LLM proposed, or the errors that make them unusable. */
function readRunChecks(checks: readonly LlmCheck[]): {
  runChecks: AcceptanceCheck[];
  errors: TaskGraphError[];
} {
  const errors = shellCheckErrors(checks, { label: 'run_checks', taskIds: [] });
  const read = readCheckList(checks.map(fromLlmCheck));
  if ('problem' in read) {
    errors.push({ code: 'invalid-check', message: `run_checks: ${read.problem}`, task_ids: [] });
    return { runChecks: [], errors };
  }
  return { runChecks: read.checks, errors };
}

/** What `decompose` returns. */
export interface Decomposition {
  graph: TaskGraph;
  /** Checks of the whole problem the master proposed (argv, no shell); may be empty. */
  runChecks: AcceptanceCheck[];
  /** LLM calls made: 1 plus the repairs. */
  attempts: number;
  /** The errors of each rejected graph, in order. */
  rejected: TaskGraphError[][];
  usage: TokenUsage;
}

/** Settings for `decompose`. */
export interface DecomposeOptions {
  runId: string;
  maxRepairs: number;
  maxTasks: number;
  /** The workspace survey as prompt text, already redacted. Default: none. */
  survey?: string;
  /** The roles and what their agents can do; see MasterPromptContext. Default: their names. */
  roleCapabilities?: string;
  signal?: AbortSignal;
}

/**
 * Asks the LLM for a task graph and checks it with validateTaskGraph; invalid graphs are fed back
 * with their errors for a bounded number of repairs.
 */
export async function decompose(
  llm: LlmClient,
  problem: string,
  options: DecomposeOptions,
): Promise<Decomposition> {
  let messages = decomposeMessages(problem, {
    ...(options.survey ? { survey: options.survey } : {}),
    ...(options.roleCapabilities ? { roleCapabilities: options.roleCapabilities } : {}),
  });
  const rejected: TaskGraphError[][] = [];
  const usage: TokenUsage = { promptTokens: 0, completionTokens: 0, totalTokens: 0 };
  for (let attempt = 1; attempt <= options.maxRepairs + 1; attempt++) {
    const reply = await llm.generate(llmTaskGraphSchema, messages, {
      schemaName: 'task_graph',
      role: 'master',
      phase: attempt === 1 ? 'decompose' : 'repair',
      runId: options.runId,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    usage.promptTokens += reply.usage.promptTokens;
    usage.completionTokens += reply.usage.completionTokens;
    usage.totalTokens += reply.usage.totalTokens;
    const validation = validateTaskGraph({ tasks: fromLlmTasks(reply.value.tasks) });
    const { runChecks, errors: runCheckErrors } = readRunChecks(reply.value.run_checks);
    const errors: TaskGraphError[] = [
      ...(validation.ok ? [] : validation.errors),
      ...taskShellErrors(reply.value.tasks),
      ...runCheckErrors,
    ];
    // Named first, whatever else is wrong: a graph this large is the problem to fix.
    if (reply.value.tasks.length > options.maxTasks) {
      errors.unshift({
        code: 'invalid-shape',
        message: `the graph has ${reply.value.tasks.length} tasks; the limit is ${options.maxTasks}`,
        task_ids: [],
      });
    }
    if (validation.ok && errors.length === 0) {
      return { graph: validation.graph, runChecks, attempts: attempt, rejected, usage };
    }
    rejected.push(errors);
    messages = [...messages, ...repairMessages(reply.value, errors)];
  }
  throw new DecompositionError(options.maxRepairs + 1, rejected.at(-1) ?? []);
}
