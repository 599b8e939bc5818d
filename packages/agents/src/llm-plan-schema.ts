import type { ActionDefinition } from '@codegod/actions';
import {
  ConfigError,
  cappedText,
  jsonNestingDepth,
  MAX_JSON_NESTING_DEPTH,
  type Plan,
  type Reasoning,
  reasoningSchema,
} from '@codegod/protocol';
import { z } from 'zod';

// Decision: the LLM writes each step's arguments as a JSON string (`args_json`), not an object.
// OpenAI strict mode and vLLM guided decoding need a closed schema; an open `args` record is
// not expressible there, and a union of every action's own input schema breaks on optional
// fields. The agent parses `args_json`, then checks it with the chosen action's `input` schema.

// Decision: one call per iteration. The reply holds the Reasoning fields first, then the Plan's,
// so a model that writes in order reasons before it plans, at the cost of one round trip.

/**
 * The schema the LLM fills once per iteration for a toolkit: the Reasoning fields, then the
 * Plan's; `action` is one of the toolkit's action names.
 */
export function llmPlanSchema(actions: readonly ActionDefinition[]) {
  const names = actions.map((action) => action.name);
  if (names.length === 0) {
    throw new ConfigError('toolkit.actions', undefined, 'a toolkit needs at least one action');
  }
  return z.object({
    ...reasoningSchema.shape,
    steps: z.array(
      z.object({
        action: z.enum(names as [string, ...string[]]),
        target: z.string(),
        method: z.string(),
        expected: z.string(),
        args_json: z
          .string()
          .describe('The action arguments as a JSON object, matching the action schema'),
      }),
    ),
    estimated_duration: z.string(),
    confidence: z.number().min(0).max(1),
  });
}

/** A plan as the LLM wrote it. */
export type LlmPlan = z.output<ReturnType<typeof llmPlanSchema>>;

/**
 * The iteration's two records, Reasoning and Plan, plus, per step, why its arguments could not
 * be read (undefined when fine).
 */
export interface ConvertedPlan {
  reasoning: Reasoning;
  plan: Plan;
  argsProblems: (string | undefined)[];
}

/** Splits the LLM's reply into Reasoning and Plan, parsing each `args_json` into `args`. */
export function toProtocolPlan(llmPlan: LlmPlan): ConvertedPlan {
  const reasoning = reasoningSchema.parse(llmPlan);
  const argsProblems: (string | undefined)[] = [];
  const steps = llmPlan.steps.map(({ args_json, ...step }) => {
    const { args, problem } = parseArgsJson(args_json);
    argsProblems.push(problem);
    return { ...step, args };
  });
  return {
    reasoning,
    plan: {
      steps,
      estimated_duration: llmPlan.estimated_duration,
      confidence: llmPlan.confidence,
    },
    argsProblems,
  };
}

function parseArgsJson(text: string): { args: Record<string, unknown>; problem?: string } {
  // The args travel into events and the run report; a value nested 100,000 levels deep parses
  // fine but overflows the stack wherever it is stringified later.
  if (jsonNestingDepth(text, MAX_JSON_NESTING_DEPTH) > MAX_JSON_NESTING_DEPTH)
    return {
      args: {},
      problem: `args_json nests arrays and objects more than ${MAX_JSON_NESTING_DEPTH} levels deep (${cappedText(text, 60)}); write the arguments as a flat JSON object`,
    };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { args: {}, problem: `args_json is not valid JSON: ${text.slice(0, 200)}` };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { args: {}, problem: `args_json must be a JSON object, got: ${text.slice(0, 200)}` };
  }
  return { args: value as Record<string, unknown> };
}
