import type { RunExtension, RunSnapshot } from '@codegod/bus';
import { type LlmClient, MAX_REPAIR_ECHO_CHARS } from '@codegod/llm';
import {
  type CheckResult,
  cappedList,
  cappedText,
  type TaskGraph,
  type TaskGraphError,
  validateTaskGraph,
} from '@codegod/protocol';
import { z } from 'zod';
import { fromLlmTasks, llmTaskSchema, taskShellErrors } from './decompose.js';
import { type FailureReport, replanMessages } from './prompts/master-prompts.js';

/** The LLM-facing remediation schema: remediation tasks carry their checks too. */
export const llmReplanSchema = z.object({
  analysis: z.string(),
  give_up: z.boolean(),
  tasks: z.array(llmTaskSchema),
});

/** What the master decided after failures. */
export type ReplanDecision =
  | { kind: 'extend'; extension: RunExtension; analysis: string }
  | { kind: 'give-up'; reason: string };

/** The failed tasks of a snapshot, explained for the replan prompt. */
export function failureReports(snapshot: RunSnapshot): FailureReport[] {
  return snapshot.tasks
    .filter((record) => record.state === 'failed')
    .map((record) => ({
      task: record.task,
      reason: record.reason ?? record.result?.output ?? 'failed',
      validation: record.result?.validation.output ?? null,
      failedActions: (record.result?.actions_taken ?? [])
        .filter((a) => !a.success)
        .map((a) => `${a.action}: ${a.output.slice(0, 2000)}`),
    }));
}

/** Settings for `replan`. */
export interface ReplanOptions {
  runId: string;
  problem: string;
  round: number;
  maxTasks: number;
  /** Re-asks when the remediation graph is invalid. */
  maxRepairs: number;
  /**
   * The run's own checks that failed after every task had succeeded; the remediation adds
   * the missing work (nothing is retried). Default: none (a replan after failed tasks).
   */
  failedRunChecks?: CheckResult[];
  /** The workspace survey made after the failures, as prompt text, already redacted. */
  survey?: string;
  /** The roles and what their agents can do; see MasterPromptContext. Default: their names. */
  roleCapabilities?: string;
  signal?: AbortSignal;
}

/**
 * Asks the LLM for remediation tasks; the failed tasks are retried after them. The combined
 * graph is checked with validateTaskGraph; an invalid one is fed back for bounded repairs.
 */
export async function replan(
  llm: LlmClient,
  snapshot: RunSnapshot,
  options: ReplanOptions,
): Promise<ReplanDecision> {
  const failures = failureReports(snapshot);
  const graph: TaskGraph = { tasks: snapshot.tasks.map((r) => r.task) };
  let messages = replanMessages(options.problem, graph, {
    failures,
    failedRunChecks: options.failedRunChecks ?? [],
    round: options.round,
    ...(options.survey ? { survey: options.survey } : {}),
    ...(options.roleCapabilities ? { roleCapabilities: options.roleCapabilities } : {}),
  });
  let lastErrors: TaskGraphError[] = [];
  for (let attempt = 1; attempt <= options.maxRepairs + 1; attempt++) {
    const reply = await llm.generate(llmReplanSchema, messages, {
      schemaName: 'replan',
      role: 'master',
      phase: 'replan',
      runId: options.runId,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    if (reply.value.give_up || reply.value.tasks.length === 0) {
      return { kind: 'give-up', reason: reply.value.analysis || 'the master found no remediation' };
    }
    const newTasks = fromLlmTasks(reply.value.tasks);
    const newIds = newTasks.map((t) => t.id);
    const retry = failures.map((f) => ({ taskId: f.task.id, dependsOn: newIds }));
    const combined = {
      tasks: [
        ...graph.tasks.map((t) => {
          const retried = retry.find((r) => r.taskId === t.id);
          return retried ? { ...t, depends_on: [...t.depends_on, ...retried.dependsOn] } : t;
        }),
        ...newTasks,
      ],
    };
    const validation = validateTaskGraph(combined);
    lastErrors = [
      ...(validation.ok ? [] : validation.errors),
      ...taskShellErrors(reply.value.tasks),
    ];
    if (validation.ok && combined.tasks.length > options.maxTasks) {
      return {
        kind: 'give-up',
        reason: `task budget exceeded: remediation would make ${combined.tasks.length} tasks (limit ${options.maxTasks})`,
      };
    }
    if (validation.ok && lastErrors.length === 0) {
      const added = validation.graph.tasks.slice(graph.tasks.length);
      return {
        kind: 'extend',
        analysis: reply.value.analysis,
        extension: {
          add: added,
          retry,
          reason: `replan round ${options.round}: ${reply.value.analysis}`,
        },
      };
    }
    messages = [
      ...messages,
      {
        role: 'assistant',
        content: cappedText(JSON.stringify(reply.value), MAX_REPAIR_ECHO_CHARS),
      },
      {
        role: 'user',
        content: `Those remediation tasks are invalid:\n${lastErrors.map((e) => `- ${e.message}`).join('\n')}\nReturn corrected tasks.`,
      },
    ];
  }
  return {
    kind: 'give-up',
    reason: `remediation graph still invalid: ${cappedList(
      lastErrors.map((e) => e.message),
      3,
      (count) => `and ${count} more problems`,
    ).join('; ')}`,
  };
}
