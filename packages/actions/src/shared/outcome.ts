import { CodegodError } from '@codegod/protocol';
import type { ActionOutcome } from '../action.js';
import type { CommandResult } from '../sandbox/sandbox.js';

/** A successful outcome. */
export function succeeded(output: string): ActionOutcome {
  return { success: true, output };
}

/** A failed outcome with a stable code; `output` defaults to the message. */
export function failed(
  code: string,
  message: string,
  options: { isRetryable?: boolean; output?: string } = {},
): ActionOutcome {
  return {
    success: false,
    output: options.output ?? message,
    error: { code, message, isRetryable: options.isRetryable ?? false },
  };
}

/** Turns a thrown error into a failed outcome, keeping a CodegodError's code and retryability. */
export function fromError(error: unknown): ActionOutcome {
  if (CodegodError.is(error)) {
    return failed(error.code, error.message, { isRetryable: error.isRetryable });
  }
  const message = error instanceof Error ? error.message : String(error);
  return failed('action-error', message);
}

/** The command line (or `shown` in its place) and its output, as shown in an outcome. */
export function describeCommand(result: CommandResult, shown = result.commandLine): string {
  const parts = [`$ ${shown}`, result.stdout.trimEnd(), result.stderr.trimEnd()];
  return parts.filter((part) => part.length > 0).join('\n');
}

/** Success when the command exited 0; otherwise a failure that says why (timeout, cap, exit). */
export function fromCommand(command: string, result: CommandResult): ActionOutcome {
  const output = describeCommand(result);
  if (result.cancelled) {
    return failed('command-cancelled', `${command} was stopped because the task was cancelled`, {
      output,
    });
  }
  if (result.timedOut) {
    return failed('command-timeout', `${command} ran past its time limit and was killed`, {
      output,
    });
  }
  if (result.truncated) {
    return failed(
      'command-output-too-large',
      `${command} printed more than the output cap and was stopped; narrow the command's output`,
      { output },
    );
  }
  if (result.exitCode !== 0) {
    const how = result.exitCode === null ? 'could not run' : `exited with code ${result.exitCode}`;
    return failed('command-failed', `${command} ${how}`, { output });
  }
  return succeeded(output);
}
