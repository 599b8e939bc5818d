import type { ActionContext, ActionOutcome, RoleToolkit } from '../action.js';

/** A plan step as the agent hands it over: an action name and its raw arguments. */
export interface PlanStepInput {
  action: string;
  args: Record<string, unknown>;
}

/** The outcome of one step, with the step's action name. */
export interface StepOutcome extends ActionOutcome {
  action: string;
}

/**
 * Runs steps the way the agent does: find the action by name, parse `args` with its input
 * schema, run it. Stops at the first failed step. Unknown actions and bad arguments fail the
 * step, as they would fail the agent's plan parse.
 */
export async function runPlanSteps(
  toolkit: RoleToolkit,
  steps: readonly PlanStepInput[],
  context: ActionContext,
): Promise<StepOutcome[]> {
  const outcomes: StepOutcome[] = [];
  for (const step of steps) {
    const action = toolkit.actions.find((candidate) => candidate.name === step.action);
    const parsed = action?.input.safeParse(step.args);
    let outcome: ActionOutcome;
    if (!action) {
      outcome = failure('unknown-action', `${toolkit.role} has no action ${step.action}`);
    } else if (!parsed?.success) {
      outcome = failure(
        'invalid-input',
        `bad arguments for ${step.action}: ${parsed?.error.message}`,
      );
    } else {
      outcome = await action.run(parsed.data, context);
    }
    outcomes.push({ action: step.action, ...outcome });
    if (!outcome.success) break;
  }
  return outcomes;
}

function failure(code: string, message: string): ActionOutcome {
  return { success: false, output: message, error: { code, message, isRetryable: false } };
}
