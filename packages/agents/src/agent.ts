import {
  createWorkspaceRedactor,
  ROLE_DEFINITIONS,
  type RoleToolkit,
  type WorkspaceRedactor,
} from '@codegod/actions';
import type { LlmClient } from '@codegod/llm';
import { assertAgentId, type MemoryStore, type RunFactStore } from '@codegod/memory';
import {
  CodegodError,
  ConfigError,
  NonRetryableTaskError,
  type Result,
  type RunEvent,
  type Task,
  taskSchema,
  type WorkerRole,
} from '@codegod/protocol';
import { type AgentLimits, type AgentLimitsInput, parseAgentLimits } from './agent-limits.js';
import { llmPlanSchema } from './llm-plan-schema.js';
import { describeActionCatalogue } from './prompt-builder.js';
import { type RunTaskOptions, TaskRun } from './task-run.js';

/** Settings of `createAgent`. */
export interface CreateAgentOptions {
  /** This agent's id; names its memory. Letters, digits, `_`, `.`, `-`. Required. */
  agentId: string;
  /** The role's actions, observer and validator. Required. */
  toolkit: RoleToolkit;
  /** Structured generation for Reason and Plan. Required. */
  llm: LlmClient;
  /** Where the agent's memory lives. Required. */
  memory: MemoryStore;
  /**
   * Where the facts a task finds are shared with the run's later tasks on other agents (Redis
   * in the fleet, in-process when embedded). Default: none; facts stay in this agent's memory.
   */
  facts?: RunFactStore;
  /** Receives every `task-step` and `agent-wipe` event, in order. Default: events are dropped. */
  recordStep?: (event: RunEvent) => void | Promise<void>;
  /** Bounds of a task run. Default: see `AGENT_LIMIT_SETTINGS`. */
  limits?: AgentLimitsInput;
  /** The role's system prompt. Default: `ROLE_DEFINITIONS[toolkit.role].prompt`. */
  systemPrompt?: string;
  /**
   * The redactor of a task's workspace: every event, memory write, Result and prompt of the
   * task passes through it. Default: `createWorkspaceRedactor(workspace)`, one per workspace,
   * kept for the agent's last few workspaces so unchanged files are not read again.
   */
  redactor?: (workspace: string) => WorkspaceRedactor;
}

/** Workspaces whose redactor an agent keeps between tasks. */
const REDACTORS_KEPT = 8;

/** One redactor per workspace, the least recently used dropped past REDACTORS_KEPT. */
function cachedRedactors(): (workspace: string) => WorkspaceRedactor {
  const redactors = new Map<string, WorkspaceRedactor>();
  return (workspace) => {
    const redactor = redactors.get(workspace) ?? createWorkspaceRedactor(workspace);
    redactors.delete(workspace);
    redactors.set(workspace, redactor);
    if (redactors.size > REDACTORS_KEPT) redactors.delete(redactors.keys().next().value!);
    return redactor;
  };
}

/** A role agent: runs one task at a time through Observe, Reason, Plan, Act, Validate. */
export interface Agent {
  readonly agentId: string;
  readonly role: WorkerRole;
  readonly limits: AgentLimits;
  /**
   * Runs `task` until validation passes or a bound is hit; a bound gives `success: false` with
   * the reason in `output`. Throws when cancelled, on a retryable LLM error, on a bad task, or
   * when the toolkit's observer or validator throws (the bus then retries the task).
   */
  run(task: Task, options: RunTaskOptions): Promise<Result>;
}

/** Creates a role agent. Throws ConfigError on a bad setting. */
export function createAgent(options: CreateAgentOptions): Agent {
  const agentId = assertAgentId(options.agentId);
  const { toolkit } = options;
  const names = toolkit.actions.map((action) => action.name);
  const duplicate = names.find((name, i) => names.indexOf(name) !== i);
  if (duplicate) {
    throw new ConfigError('toolkit.actions', undefined, `action "${duplicate}" is listed twice`);
  }
  const parts = {
    agentId,
    toolkit,
    llm: options.llm,
    memory: options.memory,
    facts: options.facts,
    recordStep: options.recordStep,
    limits: parseAgentLimits(options.limits),
    systemPrompt: options.systemPrompt ?? ROLE_DEFINITIONS[toolkit.role].prompt,
    catalogue: describeActionCatalogue(toolkit.actions),
    planSchema: llmPlanSchema(toolkit.actions),
    redactorFor: options.redactor ?? cachedRedactors(),
  };
  let busy = false;
  return {
    agentId,
    role: toolkit.role,
    limits: parts.limits,
    async run(task, runOptions) {
      const parsed = taskSchema.safeParse(task);
      if (!parsed.success) throw new NonRetryableTaskError(`Invalid task: ${parsed.error.message}`);
      if (parsed.data.role !== toolkit.role) {
        throw new NonRetryableTaskError(
          `Task "${parsed.data.id}" is for role ${parsed.data.role}, but agent ${agentId} is ${toolkit.role}; route it to a ${parsed.data.role} worker.`,
        );
      }
      // Two tasks at once would interleave their writes to this agent's one memory.
      if (busy) {
        throw new CodegodError('agent-busy', `Agent ${agentId} is already running a task.`, {
          isRetryable: true,
        });
      }
      busy = true;
      try {
        return await new TaskRun(parts, parsed.data, runOptions).execute();
      } finally {
        busy = false;
      }
    },
  };
}
