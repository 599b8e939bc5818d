/** A start put off by `startAfter`: its result, and a way to call it off. */
export interface DeferredStart<T> {
  /** What `start` resolved to, or undefined when the start was called off first. */
  result: Promise<T | undefined>;
  /** Calls the start off if it has not begun; no effect once it has. */
  cancel(): void;
}

/** Calls `start` after `delayMs`, unless `cancel()` comes first. */
export function startAfter<T>(delayMs: number, start: () => Promise<T>): DeferredStart<T> {
  let cancel = () => {};
  const result = new Promise<T | undefined>((resolve) => {
    const timer = setTimeout(() => resolve(start()), delayMs);
    cancel = () => {
      clearTimeout(timer);
      resolve(undefined);
    };
  });
  return { result, cancel: () => cancel() };
}
