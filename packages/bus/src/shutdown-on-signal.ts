/** Settings of `closeOnSignals`. */
export interface CloseOnSignalsOptions {
  /** Signals that start a shutdown. Default: SIGTERM and SIGINT. */
  signals?: NodeJS.Signals[];
  /**
   * How long running tasks may take to finish before they are handed back. Default: 8000,
   * under Docker's 10 s stop timeout, so the hand-back happens before Docker's SIGKILL.
   */
  graceMs?: number;
  /** Exit the process once closed. Default: true. */
  exit?: boolean;
}

/**
 * Shuts a worker process down on SIGTERM: first let running tasks finish; past `graceMs`,
 * or on a second signal, hand them back to the queue. Returns a function that uninstalls it.
 */
export function closeOnSignals(
  close: (options: { force: boolean }) => Promise<void>,
  options: CloseOnSignalsOptions = {},
): () => void {
  const signals = options.signals ?? ['SIGTERM', 'SIGINT'];
  let graceful: Promise<void> | undefined;
  const shutdown = async (force: boolean) => {
    await close({ force });
    if (options.exit ?? true) process.exit(0);
  };
  const onSignal = () => {
    if (graceful) {
      void shutdown(true);
      return;
    }
    const timer = setTimeout(() => void shutdown(true), options.graceMs ?? 8_000);
    timer.unref();
    graceful = shutdown(false).finally(() => clearTimeout(timer));
  };
  for (const signal of signals) process.on(signal, onSignal);
  return () => {
    for (const signal of signals) process.off(signal, onSignal);
  };
}
