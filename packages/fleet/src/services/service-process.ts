import type { Logger } from '@codegod/config';
import { CodegodError } from '@codegod/protocol';

/** What a service entry needs around its service: fatal errors and stop signals. */
export interface ServiceProcess {
  /** Logs `message`, prints it as one line on stderr and exits 1. */
  fail(message: string): never;
  /** `fail` for a caught error: a CodegodError's message, anything else as text. */
  failWith(error: unknown): never;
  /**
   * On SIGTERM or SIGINT calls `stop(false)` (finish current work); on a second signal
   * `stop(true)` (hand work back now). Exits 0 once `stop` resolves.
   */
  stopOnSignals(stop: (force: boolean) => Promise<void>): void;
}

/** How long a second signal's forced stop may take, in ms. */
const FORCED_STOP_MS = 5_000;

/**
 * The process plumbing shared by the master and agent-worker entries. `gracefulStopMs` bounds
 * the first signal's stop (finish current work); default 25000, under the 30 s that pm2 and
 * compose wait before SIGKILL. Env `CODEGOD_STOP_GRACE_MS`.
 */
export function serviceProcess(
  name: string,
  logger: Logger,
  gracefulStopMs = Number(process.env.CODEGOD_STOP_GRACE_MS) || 25_000,
): ServiceProcess {
  const fail = (message: string): never => {
    logger.fatal(message);
    process.stderr.write(`${name}: ${message}\n`);
    process.exit(1);
  };
  return {
    fail,
    failWith: (error) => fail(CodegodError.is(error) ? error.message : String(error)),
    stopOnSignals(stop) {
      let signals = 0;
      const onSignal = (signal: NodeJS.Signals) => {
        const force = ++signals > 1;
        logger.info({ signal, force }, force ? 'stopping now' : 'stopping after current work');
        // Every stop is bounded: a close that hangs (e.g. Redis gone) must not keep the process.
        const graceMs = force ? FORCED_STOP_MS : gracefulStopMs;
        setTimeout(
          () => fail(`shutdown did not finish within ${graceMs} ms; exiting`),
          graceMs,
        ).unref();
        stop(force).then(
          () => process.exit(0),
          (error: unknown) => fail(`shutdown failed: ${String(error)}`),
        );
      };
      process.on('SIGTERM', onSignal);
      process.on('SIGINT', onSignal);
    },
  };
}
