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
