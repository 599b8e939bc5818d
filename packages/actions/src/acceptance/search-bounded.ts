import { Script } from 'node:vm';
import { compileCheckRegex } from '@codegod/protocol';

/** Milliseconds a check's regex may search before it counts as a failure. */
export const REGEX_TIME_LIMIT_MS = 1000;

const search = new Script('pattern.test(text)');

/**
 * Searches `text` for a check's regex within a time limit. The regex may come from an LLM, and
 * a catastrophic one (`(a+)+$`) would block the worker's event loop; V8 interrupts a vm script
 * that overruns its timeout, also inside a regex. Returns 'timeout' when it overran.
 */
export function searchBounded(
  source: string,
  text: string,
  timeoutMs = REGEX_TIME_LIMIT_MS,
): boolean | 'timeout' {
  const pattern = compileCheckRegex(source);
  try {
    return search.runInNewContext({ pattern, text }, { timeout: timeoutMs }) === true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') return 'timeout';
    throw error;
  }
}
