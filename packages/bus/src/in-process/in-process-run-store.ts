import type { RunEvent } from '@codegod/protocol';
import { RunNotFoundError } from '../errors/run-not-found-error.js';
import type { RunMeta, TaskTimings } from '../run-snapshot.js';
import type { SchedulerCore } from '../scheduler-core.js';

/** A run as the in-process bus holds it. */
export interface LocalRun extends RunMeta {
  core: SchedulerCore;
  events: RunEvent[];
  timings: Map<string, TaskTimings>;
  /** Abort controllers of running attempts, by task id, so ending the run stops them. */
  controllers: Map<string, AbortController>;
  replans: number;
}

/**
 * The in-process bus's runs and their event logs. Finished runs beyond `keepFinishedRuns` are
 * forgotten, oldest first, so a long-lived process stays flat (their reports live in the
 * report store).
 */
export class InProcessRunStore {
  private readonly runs = new Map<string, LocalRun>();
  /** Ids of finished runs, oldest first: the ones forgotten first. */
  private readonly finished: string[] = [];
  private readonly listeners = new Set<(event: RunEvent) => void>();
  /** Listeners of one run's every event, by run id. */
  private readonly tails = new Map<string, Set<(event: RunEvent) => void>>();

  constructor(private readonly keepFinishedRuns: number) {}

  has(runId: string): boolean {
    return this.runs.has(runId);
  }

  add(run: LocalRun): void {
    this.runs.set(run.runId, run);
  }

  get(runId: string): LocalRun | undefined {
    return this.runs.get(runId);
  }

  /** The run, or RunNotFoundError. */
  mustGet(runId: string): LocalRun {
    const run = this.runs.get(runId);
    if (!run) throw new RunNotFoundError(runId);
    return run;
  }

  /** Every run held, oldest first. */
  all(): LocalRun[] {
    return [...this.runs.values()];
  }

  /** Appends an event to its run's log and tells the listeners (steps: only the run's tails). */
  append(event: RunEvent): void {
    this.runs.get(event.run_id)?.events.push(event);
    for (const listener of this.tails.get(event.run_id) ?? []) tell(listener, event);
    if (event.type === 'task-step') return;
    for (const listener of this.listeners) tell(listener, event);
  }

  subscribe(listener: (event: RunEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** See `TaskBus.tailEvents`; the logged events come in a microtask, before any new one. */
  tail(runId: string, listener: (event: RunEvent) => void): () => void {
    const logged = [...(this.runs.get(runId)?.events ?? [])];
    let stopped = false;
    let live = false;
    const waiting: RunEvent[] = [];
    const forward = (event: RunEvent) => {
      if (live) tell(listener, event);
      else waiting.push(event);
    };
    const tails = this.tails.get(runId) ?? new Set();
    this.tails.set(runId, tails.add(forward));
    queueMicrotask(() => {
      for (const event of [...logged, ...waiting]) if (!stopped) tell(listener, event);
      live = true;
    });
    return () => {
      stopped = true;
      tails.delete(forward);
      if (tails.size === 0 && this.tails.get(runId) === tails) this.tails.delete(runId);
    };
  }

  /** Notes that a run ended; forgets the oldest ended runs beyond the limit. */
  ended(runId: string): void {
    this.finished.push(runId);
    while (this.finished.length > this.keepFinishedRuns) {
      this.runs.delete(this.finished.shift() as string);
    }
  }
}

function tell(listener: (event: RunEvent) => void, event: RunEvent): void {
  try {
    listener(event);
  } catch {
    // A listener's bug must not stop the scheduler.
  }
}
