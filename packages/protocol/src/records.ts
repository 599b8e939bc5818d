import { z } from 'zod';
import { checkResultSchema } from './acceptance.js';
import { roleSchema } from './roles.js';
import { taskSchema } from './task.js';

/** What an agent saw: free-form facts plus `findings`, the lines it drew from them. */
export const observationSchema = z.looseObject({
  findings: z.array(z.string()),
});
/** What an agent saw. */
export type Observation = z.infer<typeof observationSchema>;

/** The Reason step's output, with the seed's field names. */
export const reasoningSchema = z.object({
  problem_analysis: z.string(),
  root_causes: z.array(z.string()),
  approach: z.string(),
  risks: z.array(z.string()),
  success_criteria: z.array(z.string()),
  conclusion: z.string(),
});
/** The Reason step's output. */
export type Reasoning = z.infer<typeof reasoningSchema>;

/** Arguments of one plan step; each action validates its own with its own schema. */
export const actionArgsSchema = z.record(z.string(), z.unknown());

/** One step of a plan. */
export const planStepSchema = z.object({
  action: z.string().min(1),
  target: z.string(),
  method: z.string(),
  expected: z.string(),
  args: actionArgsSchema,
});
/** One step of a plan. */
export type PlanStep = z.infer<typeof planStepSchema>;

/** The Plan step's output, with the seed's field names. */
export const planSchema = z.object({
  steps: z.array(planStepSchema),
  estimated_duration: z.string(),
  confidence: z.number().min(0).max(1),
});
/** The Plan step's output. */
export type Plan = z.infer<typeof planSchema>;

/** One executed step, as reported in a Result. */
export const actionTakenSchema = z.object({
  step: z.number().int().min(1),
  action: z.string(),
  success: z.boolean(),
  output: z.string(),
});
/** One executed step. */
export type ActionTaken = z.infer<typeof actionTakenSchema>;

/**
 * The Validate step's output: `valid` only when the role's health check and every one of the
 * task's acceptance checks passed. `output` leads with the failing checks' output (what the
 * next iteration's prompt shows); `checks` lists every acceptance check that ran.
 */
export const validationSchema = z.object({
  valid: z.boolean(),
  output: z.string(),
  checks: z.array(checkResultSchema).default([]),
});
/** The Validate step's output. */
export type Validation = z.infer<typeof validationSchema>;

/** What an agent returns for a task, with the seed's field names. */
export const resultSchema = z.object({
  success: z.boolean(),
  output: z.string(),
  reasoning: reasoningSchema.nullable(),
  actions_taken: z.array(actionTakenSchema),
  validation: validationSchema,
});
/** What an agent returns for a task. */
export type Result = z.infer<typeof resultSchema>;

/** An agent's working memory, with the seed's field names. */
export const agentMemorySchema = z.object({
  agent_role: roleSchema,
  current_task: taskSchema.nullable(),
  completed_tasks: z.array(z.string()),
  knowledge: z.record(z.string(), z.unknown()),
  observations: z.array(observationSchema),
  reasoning_history: z.array(reasoningSchema),
  blocked_on: z.string().nullable(),
});
/** An agent's working memory. */
export type AgentMemory = z.infer<typeof agentMemorySchema>;

/** A fresh memory for an agent of `role`. */
export function emptyAgentMemory(role: AgentMemory['agent_role']): AgentMemory {
  return {
    agent_role: role,
    current_task: null,
    completed_tasks: [],
    knowledge: {},
    observations: [],
    reasoning_history: [],
    blocked_on: null,
  };
}
