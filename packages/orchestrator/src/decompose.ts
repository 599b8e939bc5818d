import type { LlmClient, TokenUsage } from '@codegod/llm';
import {
  type TaskGraph,
  type TaskGraphError,
  validateTaskGraph,
  WORKER_ROLES,
} from '@codegod/protocol';
import { z } from 'zod';
import { DecompositionError } from './errors/decomposition-error.js';
import { decomposeMessages, repairMessages } from './prompts/master-prompts.js';

/** A task as the LLM writes it; ids and dependencies are checked by validateTaskGraph after. */
export const llmTaskSchema = z.object({
  id: z.string(),
  description: z.string(),
  role: z.enum(WORKER_ROLES),
  depends_on: z.array(z.string()),
});

/** The LLM-facing task graph schema (strict-JSON-schema friendly). */
export const llmTaskGraphSchema = z.object({ tasks: z.array(llmTaskSchema) });

/** What `decompose` returns. */
export interface Decomposition {
  graph: TaskGraph;
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
  let messages = decomposeMessages(problem);
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
    const validation = validateTaskGraph(reply.value);
    const errors: TaskGraphError[] = validation.ok ? [] : [...validation.errors];
    // Named first, whatever else is wrong: a graph this large is the problem to fix.
    if (reply.value.tasks.length > options.maxTasks) {
      errors.unshift({
        code: 'invalid-shape',
        message: `the graph has ${reply.value.tasks.length} tasks; the limit is ${options.maxTasks}`,
        task_ids: [],
      });
    }
    if (validation.ok && errors.length === 0) {
      return { graph: validation.graph, attempts: attempt, rejected, usage };
    }
    rejected.push(errors);
    messages = [...messages, ...repairMessages(reply.value, errors)];
  }
  throw new DecompositionError(options.maxRepairs + 1, rejected.at(-1) ?? []);
}
