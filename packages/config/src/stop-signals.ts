import { defineSettings, type Environment, intSetting } from './define-settings.js';

/** The one grace setting of every codegod process. */
export const STOP_SETTINGS = defineSettings({
  /**
   * How long a graceful stop (finish current work) may take before it is forced, in ms.
   * Default: 25000, under the 30 s that pm2 and compose wait before SIGKILL.
   */
  graceMs: { env: 'CODEGOD_STOP_GRACE_MS', schema: intSetting(1, 25_000) },
});

/** Settings of `onStopSignals`. */
export interface StopSignalsOptions {
  /** The signals that ask for a stop. Default: SIGTERM and SIGINT. */
  signals?: readonly NodeJS.Signals[];
  /** How long the graceful stop may take before the forced one. Default: `CODEGOD_STOP_GRACE_MS`, else 25000. */
  graceMs?: number;
  /** Where `CODEGOD_STOP_GRACE_MS` is read. Default: `process.env`. */
  env?: Environment;
}

/** How a stop is asked for: `force` false to finish current work, true to stop now. */
export interface StopRequest {
  force: boolean;
}

/**
 * The one signal handler of codegod's processes. The first signal calls `stop({ force: false })`;
 * a second signal, or the grace period running out, calls `stop({ force: true })` once and
 * uninstalls the handler, so a third signal has its default effect. Returns a function that
 * uninstalls it early (and drops the grace timer), for a caller that finished on its own.
 */
export function onStopSignals(
  stop: (request: StopRequest) => unknown,
  options: StopSignalsOptions = {},
): () => void {
  const signals = options.signals ?? ['SIGTERM', 'SIGINT'];
  const graceMs = options.graceMs ?? STOP_SETTINGS.resolve({}, options.env).graceMs;
  let asked = false;
  let timer: NodeJS.Timeout | undefined;
  const uninstall = () => {
    clearTimeout(timer);
    for (const signal of signals) process.off(signal, onSignal);
  };
  const force = () => {
    uninstall();
    stop({ force: true });
  };
  function onSignal() {
    if (asked) return force();
    asked = true;
    timer = setTimeout(force, graceMs);
    timer.unref();
    stop({ force: false });
  }
  for (const signal of signals) process.on(signal, onSignal);
  return uninstall;
}
