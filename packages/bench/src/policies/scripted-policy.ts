import type { WorkerRole } from '@codegod/protocol';
import type { BenchInstance } from '../bench-instance.js';

/** A check as a policy writes it; fields left out become null (the default). */
export type PolicyCheck = { type: 'command' | 'file' | 'http' } & Record<string, unknown>;

/** One task a policy plans, with the steps its agent will take. */
export interface PolicyTask {
  id: string;
  description: string;
  role: WorkerRole;
  depends_on: string[];
  acceptance: PolicyCheck[];
  /** The agent's plan: actions and their arguments. */
  steps: { action: string; args: Record<string, unknown> }[];
}

/**
 * A scripted stand-in for a model: for an instance, the task graph the master gets and the
 * steps each task's agent plans. Replans always give up: a policy's plan is all it has.
 */
export interface ScriptedPolicy {
  readonly name: string;
  /** Checks the policy can answer `instance`; a message saying why not, or undefined. */
  problemWith(instance: BenchInstance): Promise<string | undefined>;
  tasksFor(instance: BenchInstance): Promise<PolicyTask[]>;
}

const COMMAND_FIELDS = ['cwd', 'exit_code', 'stdout_regex', 'stderr_regex', 'timeout_ms'];
const FILE_FIELDS = ['content_regex'];
const HTTP_FIELDS = [
  'cwd',
  'method',
  'path',
  'status',
  'body_regex',
  'startup_timeout_ms',
  'timeout_ms',
];

/** A check in the master's strict LLM shape: every field present, null for the default. */
export function llmCheck(check: PolicyCheck): Record<string, unknown> {
  const fields =
    check.type === 'command' ? COMMAND_FIELDS : check.type === 'file' ? FILE_FIELDS : HTTP_FIELDS;
  return { ...Object.fromEntries(fields.map((field) => [field, null])), ...check };
}
