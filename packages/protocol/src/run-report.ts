import { z } from 'zod';
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

/** One task in a run report: its records from the last iteration, timings and tokens. */
export const taskReportSchema = z.object({
  id: taskIdSchema,
  description: z.string(),
  role: workerRoleSchema,
  depends_on: z.array(taskIdSchema),
  state: taskStateSchema,
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
});
/** The complete, inspectable record of a run. */
export type RunReport = z.infer<typeof runReportSchema>;
