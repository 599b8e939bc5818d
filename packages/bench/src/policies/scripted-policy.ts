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
