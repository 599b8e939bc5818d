import { z } from 'zod';
import { acceptanceCheckSchema, checkResultSchema } from './acceptance.js';
import {
  actionTakenSchema,
  observationSchema,
  planSchema,
  reasoningSchema,
  validationSchema,
} from './records.js';
import { workerRoleSchema } from './roles.js';
import { sandboxKindSchema } from './sandbox-kind.js';
import { runStateSchema, taskIdSchema, taskStateSchema } from './task.js';
import { workspaceSurveySchema } from './workspace-survey.js';

/** One task in a run report: its records from the last iteration, timings and tokens. */
export const taskReportSchema = z.object({
  id: taskIdSchema,
  description: z.string(),
  role: workerRoleSchema,
  depends_on: z.array(taskIdSchema),
  /** The task's acceptance checks, as planned. */
  acceptance: z.array(acceptanceCheckSchema).default([]),
  state: taskStateSchema,
  /**
   * How a succeeded task proved it: `verified` (its acceptance checks ran and passed) or
   * `unverified` (it had none); null when it did not succeed.
   */
  proof: z.enum(['verified', 'unverified']).nullable().default(null),
  reason: z.string().nullable(),
  agent_id: z.string().nullable(),
  /** How the commands of the task's last attempt were confined; null when unknown (old reports). */
  sandbox: sandboxKindSchema.nullable().default(null),
  attempts: z.number().int(),
  iterations: z.number().int(),
  observation: observationSchema.nullable(),
  reasoning: reasoningSchema.nullable(),
  plan: planSchema.nullable(),
  actions_taken: z.array(actionTakenSchema),
  validation: validationSchema.nullable(),
  output: z.string().nullable(),
  queued_at: z.number().nullable(),
  started_at: z.number().nullable(),
  ended_at: z.number().nullable(),
  duration_ms: z.number().nullable(),
});
/** One task in a run report. */
export type TaskReport = z.infer<typeof taskReportSchema>;

/** How a run's success was proven. */
export const runProofSchema = z.object({
  /** One line, e.g. "verified by 7 checks" or "2 tasks unverified (no acceptance checks)". */
  summary: z.string(),
  /** Checks that passed: those of succeeded tasks, plus the run's own. */
  checks_passed: z.number().int(),
  /** Succeeded tasks without acceptance checks. */
  unverified_tasks: z.array(taskIdSchema),
  /** The last run of the run's own acceptance checks (`--check`, master-proposed). */
  run_checks: z.array(checkResultSchema),
});
/** How a run's success was proven. */
export type RunProof = z.infer<typeof runProofSchema>;

/** The complete, inspectable record of a run. */
export const runReportSchema = z.object({
  run_id: z.string(),
  problem: z.string(),
  workspace: z.string(),
  state: runStateSchema,
  reason: z.string(),
  started_at: z.number(),
  ended_at: z.number().nullable(),
  duration_ms: z.number().nullable(),
  replan_rounds: z.number().int(),
  /**
   * How the run's commands were confined: every runner kind its workers reported (several when
   * replicas differ), plus the one the CLI chose in embedded mode. Null in reports written
   * before codegod recorded it.
   */
  sandbox: z.array(sandboxKindSchema).nullable().default(null),
  tokens: z.object({
    total: z.number(),
    by_role: z.record(z.string(), z.number()),
  }),
  tasks: z.array(taskReportSchema),
  /** The workspace surveys the master planned from: round 0 before decomposition, N before replan N. */
  surveys: z
    .array(z.object({ round: z.number().int().nonnegative(), survey: workspaceSurveySchema }))
    .default([]),
  proof: runProofSchema.default({
    summary: 'not recorded',
    checks_passed: 0,
    unverified_tasks: [],
    run_checks: [],
  }),
});
/** The complete, inspectable record of a run. */
export type RunReport = z.infer<typeof runReportSchema>;
