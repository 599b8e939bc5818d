import type { CodegodError } from '@codegod/protocol';

/** Exit codes: 0 success, 1 the run failed, 2 bad usage or bad input. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

let runExitCode: number | undefined;

/** Lets a command end the process with a code other than 0 without throwing (a failed run). */
export function setRunExitCode(code: number): void {
  runExitCode = code;
}

/** The code a command asked for, if any. */
export function takeRunExitCode(): number | undefined {
  const code = runExitCode;
  runExitCode = undefined;
  return code;
}

/** Expected failures that end with exit 1: a failed run, or a fleet verb that could not act. */
const FAILED_CODES = new Set(['decomposition-invalid', 'fleet-not-up', 'fleet-failed']);

/**
 * The exit code of an expected failure: 1 when the LLM could not produce a valid plan (a failed
 * run); 2 for everything else, from bad flags to an LLM server that is down, times out or sends
 * something that is not an OpenAI-compatible reply (llm-timeout, llm-server-error,
 * llm-reply-too-large, …) before a run could start.
 */
export function exitCodeOf(error: CodegodError): number {
  return FAILED_CODES.has(error.code) ? EXIT.failed : EXIT.usage;
}
