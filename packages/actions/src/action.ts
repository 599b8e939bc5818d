import type {
  AcceptanceCheck,
  CheckResult,
  Observation,
  SandboxKind,
  Task,
  Validation,
  WorkerRole,
} from '@codegod/protocol';
import type { z } from 'zod';

/** What running one action produced. */
export interface ActionOutcome {
  success: boolean;
  /** Captured output, capped; secrets redacted. */
  output: string;
  /** Present when the action failed: a stable code and whether retrying may help. */
  error?: { code: string; message: string; isRetryable: boolean };
}

/** What an action, observer or validator may use. */
export interface ActionContext {
  /** Absolute path of the task's workspace; every path is confined to it. */
  workspace: string;
  /** Aborted when the task is cancelled. */
  signal?: AbortSignal;
}

/** One action a role may plan: a name, an input schema and an executor. */
export interface ActionDefinition<S extends z.ZodObject = z.ZodObject> {
  /** Snake_case name used in plans, e.g. `install_dependency`. */
  name: string;
  /** One line for the prompt's action catalogue. */
  description: string;
  /** The arguments schema; plan steps are parsed with it before anything runs. */
  input: S;
  /** Runs the action. Never throws for expected failures: returns `success: false`. */
  run(input: z.output<S>, context: ActionContext): Promise<ActionOutcome>;
}

/** A role's health check of the workspace: one half of Validate, the task's checks the other. */
export type HealthCheck = Pick<Validation, 'valid' | 'output'>;

/** Runs acceptance checks in a workspace, through a sandbox's runner. */
export interface CheckRunner {
  /** Runs every check, one after another; never throws for a failing check. */
  runChecks(checks: readonly AcceptanceCheck[], context: ActionContext): Promise<CheckResult[]>;
}

/** Spare interpreters a toolkit started for the Validate to come (see RoleToolkit.warmUp). */
export interface WarmUp {
  /** Kills every spare no command used; call it once that Validate is over or cannot come. */
  dispose(): Promise<void>;
}

/**
 * What a role brings to the agent loop: its actions, its Observe probe, its health check and
 * the runner of the task's acceptance checks.
 */
export interface RoleToolkit<R extends string = WorkerRole> extends CheckRunner {
  role: R;
  /**
   * How the toolkit's commands are confined; recorded in the run's events and report.
   * Undefined for toolkits that run no commands (test doubles).
   */
  sandbox?: SandboxKind;
  actions: readonly ActionDefinition[];
  /** Gathers real facts about the workspace for this role. */
  observe(task: Task, context: ActionContext): Promise<Observation>;
  /** Checks that the role's side of the workspace is healthy (the venv imports, …). */
  validate(task: Task, context: ActionContext): Promise<HealthCheck>;
  /**
   * Optional (issue 15): starts, in the same sandbox, the interpreters the next Validate will
   * run (its health check's and the task's command checks'), for the agent to call while it
   * waits on its LLM call, so Validate does not wait for their start-up. Changes nothing in
   * the workspace; a spare is used only if Validate runs that very command, unchanged.
   */
  warmUp?(task: Task, context: ActionContext): Promise<WarmUp>;
}
