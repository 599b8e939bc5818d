import { z } from 'zod';
import { checkResultSchema } from './acceptance.js';
import {
  actionTakenSchema,
  observationSchema,
  planSchema,
  reasoningSchema,
  resultSchema,
  validationSchema,
} from './records.js';
import { workerRoleSchema } from './roles.js';
import { sandboxKindSchema } from './sandbox-kind.js';
import { runStateSchema, taskIdSchema } from './task.js';
import { workspaceSurveySchema } from './workspace-survey.js';

const base = {
  /** The run this event belongs to. */
  run_id: z.string().min(1),
  /** Milliseconds since the epoch when the event happened. */
  ts: z.number().int().nonnegative(),
};

const taskBase = {
  ...base,
  task_id: taskIdSchema,
  role: workerRoleSchema,
};

/** The five steps of the agent loop. */
export const phaseSchema = z.enum(['observe', 'reason', 'plan', 'act', 'validate']);
/** One of the five steps of the agent loop. */
export type Phase = z.infer<typeof phaseSchema>;

/** What a `task-step` event's `data` holds, by the phase it records. */
export const stepDataSchemas = {
  observe: observationSchema,
  reason: reasoningSchema,
  plan: planSchema,
  act: z.array(actionTakenSchema),
  validate: validationSchema,
} as const satisfies Record<Phase, z.ZodType>;

const taskStepFields = {
  ...taskBase,
  type: z.literal('task-step'),
  agent_id: z.string(),
  iteration: z.number().int(),
  phase: phaseSchema,
  /** How the agent's commands were confined (absent from agents that run none, and old events). */
  sandbox: sandboxKindSchema.optional(),
};

function taskStepEventSchema<P extends Phase>(phase: P) {
  return z.object({ ...taskStepFields, phase: z.literal(phase), data: stepDataSchemas[phase] });
}

/**
 * The `task-step` event of each phase, its `data` that phase's record: each accepts a subset
 * of what runEventSchema accepts, so a writer that knows the phase checks its event without
 * trying every record shape in turn.
 */
export const taskStepEventSchemas = {
  observe: taskStepEventSchema('observe'),
  reason: taskStepEventSchema('reason'),
  plan: taskStepEventSchema('plan'),
  act: taskStepEventSchema('act'),
  validate: taskStepEventSchema('validate'),
} as const satisfies Record<Phase, z.ZodType<RunEvent>>;

/** Everything that happens in a run, in the order it happened. */
export const runEventSchema = z.discriminatedUnion('type', [
  z.object({ ...base, type: z.literal('run-start'), problem: z.string(), task_count: z.number() }),
  z.object({ ...base, type: z.literal('run-end'), state: runStateSchema, reason: z.string() }),
  z.object({ ...base, type: z.literal('replan'), round: z.number().int(), reason: z.string() }),
  /** The run's own acceptance checks ran, once every task had succeeded. */
  z.object({
    ...base,
    type: z.literal('run-check'),
    passed: z.boolean(),
    checks: z.array(checkResultSchema),
  }),
  /** What the master saw of the workspace before it planned: round 0 decomposes, N replans. */
  z.object({
    ...base,
    type: z.literal('run-survey'),
    round: z.number().int().nonnegative(),
    survey: workspaceSurveySchema,
  }),
  z.object({ ...taskBase, type: z.literal('task-queue') }),
  z.object({
    ...taskBase,
    type: z.literal('task-start'),
    agent_id: z.string(),
    attempt: z.number(),
  }),
  z.object({
    ...taskStepFields,
    data: z.union([
      stepDataSchemas.observe,
      stepDataSchemas.reason,
      stepDataSchemas.plan,
      stepDataSchemas.act,
      stepDataSchemas.validate,
    ]),
  }),
  z.object({
    ...taskBase,
    type: z.literal('task-end'),
    agent_id: z.string(),
    success: z.boolean(),
    result: resultSchema,
  }),
  z.object({ ...taskBase, type: z.literal('task-retry'), attempt: z.number(), reason: z.string() }),
  z.object({ ...taskBase, type: z.literal('task-skip'), reason: z.string() }),
  z.object({
    ...taskBase,
    type: z.literal('agent-wipe'),
    agent_id: z.string(),
    reason: z.string(),
  }),
]);
/** Everything that happens in a run. */
export type RunEvent = z.infer<typeof runEventSchema>;
