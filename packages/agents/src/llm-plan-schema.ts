import type { ActionDefinition } from '@codegod/actions';
import { ConfigError, type Plan, type Reasoning, reasoningSchema } from '@codegod/protocol';
import { z } from 'zod';
import { llmArgsSchema } from './llm-args-schema.js';

// Decision: one call per iteration. The reply holds the Reasoning fields first, then the Plan's,
// so a model that writes in order reasons before it plans, at the cost of one round trip.
//
// Decision: each step is a union member discriminated by `action`, whose `args` is that
// action's own argument schema (derived from the toolkit, never copied), so a guided-decoding
// grammar shapes the arguments instead of leaving them to a free JSON string.

/**
 * The schema the LLM fills once per iteration for a toolkit: the Reasoning fields, then the
 * Plan's; each step names one of the toolkit's actions and gives that action's arguments.
 */
export function llmPlanSchema(actions: readonly ActionDefinition[]) {
  if (actions.length === 0) {
    throw new ConfigError('toolkit.actions', undefined, 'a toolkit needs at least one action');
  }
  const steps = actions.map((action) =>
    z.object({
      action: z.literal(action.name),
      target: z.string(),
      method: z.string(),
      expected: z.string(),
      args: llmArgsSchema(action.input),
    }),
  );
  const [first, ...rest] = steps;
  return z.object({
    ...reasoningSchema.shape,
    steps: z.array(rest.length === 0 ? first! : z.discriminatedUnion('action', [first!, ...rest])),
    estimated_duration: z.string(),
    confidence: z.number().min(0).max(1),
  });
}

/** A reply as the LLM wrote it. */
export type LlmPlan = z.output<ReturnType<typeof llmPlanSchema>>;

/** The iteration's two records, Reasoning and Plan. */
export interface ConvertedPlan {
  reasoning: Reasoning;
  plan: Plan;
}

/** Splits the LLM's reply into the Reasoning and Plan records. */
export function toProtocolPlan(llmPlan: LlmPlan): ConvertedPlan {
  return {
    reasoning: reasoningSchema.parse(llmPlan),
    plan: {
      steps: llmPlan.steps.map(({ action, target, method, expected, args }) => ({
        action,
        target,
        method,
        expected,
        args,
      })),
      estimated_duration: llmPlan.estimated_duration,
      confidence: llmPlan.confidence,
    },
  };
}
