import type { ActionOutcome } from '@codegod/actions';

/**
 * An action's outcome as the agent records it: a failure leads with its code and message, then
 * the output when it says more (most failures' output is the message itself: said once).
 */
export function describeOutcome(outcome: ActionOutcome): { success: boolean; output: string } {
  if (outcome.success || !outcome.error)
    return { success: outcome.success, output: outcome.output };
  const { code, message } = outcome.error;
  const output = outcome.output.trim();
  const detail = output && output !== message.trim() ? `\n${outcome.output}` : '';
  return { success: false, output: `${code}: ${message}${detail}` };
}
