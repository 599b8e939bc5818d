import { type Logger, onStopSignals } from '@codegod/config';
import { CodegodError } from '@codegod/protocol';

/** What a service entry needs around its service: fatal errors and stop signals. */
export interface ServiceProcess {
  /** Logs `message`, prints it as one line on stderr and exits 1. */
  fail(message: string): never;
  /** `fail` for a caught error: a CodegodError's message, anything else as text. */
  failWith(error: unknown): never;
  /**
   * On SIGTERM or SIGINT calls `stop(false)` (finish current work); on a second signal, or
   * once the grace period is over, `stop(true)` (hand work back now). Exits 0 once `stop`
   * resolves, 1 when the forced stop does not finish in time.
   */
  stopOnSignals(stop: (force: boolean) => Promise<void>): void;
}

/** How long the forced stop (a second signal, or the grace run out) may take, in ms. */
const FORCED_STOP_MS = 5_000;

/**
 * The process plumbing shared by the master and agent-worker entries. `gracefulStopMs` bounds
 * the first signal's stop (finish current work); default `CODEGOD_STOP_GRACE_MS`, else 25000
 * (see STOP_SETTINGS).
 */
export function serviceProcess(
  name: string,
  logger: Logger,
  gracefulStopMs?: number,
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
      onStopSignals(
        ({ force }) => {
          logger.info({ force }, force ? 'stopping now' : 'stopping after current work');
          // Every stop is bounded: a forced close that hangs (e.g. Redis gone) must not keep the process.
          if (force)
            setTimeout(
              () => fail(`shutdown did not finish within ${FORCED_STOP_MS} ms; exiting`),
              FORCED_STOP_MS,
            ).unref();
          stop(force).then(
            () => process.exit(0),
            (error: unknown) => fail(`shutdown failed: ${String(error)}`),
          );
        },
        gracefulStopMs === undefined ? {} : { graceMs: gracefulStopMs },
      );
    },
  };
}
