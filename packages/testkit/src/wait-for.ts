/**
 * Polls `check` until it returns a value other than undefined or false, and returns it; throws
 * "timed out waiting for <what>" after `timeoutMs`. A guard against hangs, not a timing test.
 */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** What `settled` returns for a promise still pending when its time is up. */
export const STILL_PENDING = 'still pending';

/**
 * What `work` resolves to, or STILL_PENDING when `timeoutMs` pass first (`work` goes on). For
 * asserting that something ends, where awaiting it bare would hang the test instead of failing.
 */
export async function settled<T>(
  work: Promise<T>,
  timeoutMs: number,
): Promise<T | typeof STILL_PENDING> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<typeof STILL_PENDING>((resolve) => {
    timer = setTimeout(() => resolve(STILL_PENDING), timeoutMs);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** True while a process with this pid exists. */
export function isProcessRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
