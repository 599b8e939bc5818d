import type { RunEvent, RunState } from '@codegod/protocol';
import { RunNotFoundError } from './errors/run-not-found-error.js';
import type { RunSnapshot, TaskBus } from './task-bus.js';

/** Settings of `waitForRunState`. */
export interface WaitForRunOptions {
  signal?: AbortSignal;
  /** Also resolve when the run waits for the master: a replan, or its acceptance checks. Default: false. */
  untilReplan?: boolean;
  /** Re-check this often even without events (events can be missed across processes). Default: 1000. */
  pollMs?: number;
  /**
   * A cheap look at the run's state, so neither a poll nor a task end reads every task of a
   * large run. The full snapshot is read only once this says the run ended, or (with
   * `untilReplan`) that it awaits the master. Default: none (always read).
   */
  peek?: (runId: string) => Promise<RunPeek | undefined>;
}

/** What a peek knows of a run without reading its tasks. */
export interface RunPeek {
  state: RunState;
  /** Whether the run awaits the master (a replan or its acceptance checks); undefined when unknown. */
  awaitingMaster: boolean | undefined;
}

// Reading a run is O(tasks) on Redis, so re-read on task events only when a replan may be due.
const REPLAN_EVENTS: ReadonlySet<RunEvent['type']> = new Set(['task-end', 'task-skip']);

/**
 * Resolves with the run's snapshot once it has ended (or awaits a replan, when asked).
 * Re-reads the run on relevant events and on a slow poll; one read at a time.
 */
export function waitForRunState(
  bus: Pick<TaskBus, 'getRun' | 'subscribe'>,
  runId: string,
  options: WaitForRunOptions = {},
): Promise<RunSnapshot> {
  return new Promise((resolve, reject) => {
    let checking = false;
    let again = false;
    let settled = false;
    const finish = (error: unknown, snapshot?: RunSnapshot) => {
      if (settled) return;
      settled = true;
      unsubscribe();
      clearInterval(timer);
      options.signal?.removeEventListener('abort', onAbort);
      if (snapshot) resolve(snapshot);
      else reject(error);
    };
    const check = async (): Promise<void> => {
      if (checking) {
        again = true;
        return;
      }
      checking = true;
      try {
        do {
          again = false;
          const peeked = await options.peek?.(runId);
          if (peeked?.state === 'running') {
            if (!options.untilReplan || peeked.awaitingMaster === false) continue;
          }
          const snapshot = await bus.getRun(runId);
          if (!snapshot) return finish(new RunNotFoundError(runId));
          const replan =
            options.untilReplan === true &&
            (snapshot.awaitingReplan || snapshot.awaitingAcceptance);
          if (snapshot.state !== 'running' || replan) return finish(undefined, snapshot);
        } while (again && !settled);
      } catch (error) {
        finish(error);
      } finally {
        checking = false;
      }
    };
    const onAbort = () => finish(options.signal?.reason ?? new Error('aborted'));
    const unsubscribe = bus.subscribe((event) => {
      if (event.run_id !== runId) return;
      if (event.type === 'run-end' || (options.untilReplan && REPLAN_EVENTS.has(event.type))) {
        void check();
      }
    });
    const timer = setInterval(() => void check(), options.pollMs ?? 1000);
    if (options.signal?.aborted) return onAbort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    void check();
  });
}
