import type { CodegodError, ErrorCode } from '@codegod/protocol';

/** Exit codes: 0 success, 1 the run failed, 2 bad usage or bad input, 130 stopped by Ctrl-C (128 + SIGINT). */
export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;
/** One of the codes `codegod` exits with. */
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

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

const { failed, usage } = EXIT;

/**
 * The exit code of each error: 1 when a run failed (the LLM could not produce a valid plan) or
 * a fleet verb could not act; 2 for everything that stops a run before it starts, from bad
 * flags to an LLM server that is down, times out or sends something that is not an
 * OpenAI-compatible reply. A Record, so a new ErrorCode does not compile until it is mapped.
 */
export const EXIT_CODE_OF_ERROR: Readonly<Record<ErrorCode, ExitCode>> = {
  'config-invalid': usage,
  usage: usage,
  'plan-file-unreadable': usage,
  'plan-file-invalid': usage,
  'rules-file-invalid': usage,
  'llm-unavailable': usage,
  'llm-timeout': usage,
  'llm-aborted': usage,
  'llm-request-rejected': usage,
  'llm-server-error': usage,
  'llm-model-not-found': usage,
  'llm-reply-invalid': usage,
  'llm-reply-too-large': usage,
  'llm-engine-error': usage,
  'decomposition-invalid': failed,
  'run-not-found': usage,
  'run-exists': usage,
  'run-change-invalid': usage,
  'task-budget': usage,
  'task-non-retryable': usage,
  'report-not-written': usage,
  'bus-closed': failed,
  'agent-stop': usage,
  'agent-busy': usage,
  'agent-unknown': usage,
  'sandbox-unavailable': usage,
  'docker-unavailable': usage,
  'command-not-allowed': usage,
  'unsafe-argument': usage,
  'path-outside-workspace': usage,
  'tool-use-refused': usage,
  'memory-not-found': usage,
  'memory-checkpoint-unknown': usage,
  'memory-agent-id-invalid': usage,
  'memory-corrupt': usage,
  'memory-transaction-aborted': usage,
  'no-fleet': usage,
  'fleet-unreachable': usage,
  'fleet-not-up': failed,
  'fleet-failed': failed,
  'master-absent': usage,
  'download-failed': usage,
  'download-interrupted': usage,
  'checksum-mismatch': usage,
};

/** The exit code of an expected failure, by its code (see EXIT_CODE_OF_ERROR). */
export function exitCodeOf(error: CodegodError): ExitCode {
  // A duck-typed CodegodError from another copy of the module may carry a code we do not know.
  return EXIT_CODE_OF_ERROR[error.code] ?? usage;
}
