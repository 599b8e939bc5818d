import type { WorkerRole } from '@codegod/protocol';

/** One attempt of a task waiting for a worker. */
export interface LocalJob {
  runId: string;
  taskId: string;
  /** The task generation the job was queued for; a replan's retry bumps it. */
  generation: number;
  /** 1 on the first attempt. */
  attempt: number;
}

/** The in-process bus's queues, one per role, and the workers that drain them. */
export class RoleQueues {
  private readonly queues = new Map<WorkerRole, LocalJob[]>();
  private readonly consumers = new Map<WorkerRole, Set<() => void>>();

  /** Adds a job at the back; call `wake` once a batch is in. */
  push(role: WorkerRole, job: LocalJob): void {
    this.queue(role).push(job);
  }

  /** Puts a handed-back job at the front, to run next. */
  pushFront(role: WorkerRole, job: LocalJob): void {
    this.queue(role).unshift(job);
  }

  /** The next job of `role`, if any. */
  take(role: WorkerRole): LocalJob | undefined {
    return this.queues.get(role)?.shift();
  }

  /** Drops every waiting job of a run. */
  dropRun(runId: string): void {
    for (const [role, queue] of this.queues) {
      this.queues.set(
        role,
        queue.filter((job) => job.runId !== runId),
      );
    }
  }

  /** Registers a worker's pull; returns a function that unregisters it. */
  consume(role: WorkerRole, pull: () => void): () => void {
    const consumers = this.consumers.get(role) ?? new Set();
    this.consumers.set(role, consumers.add(pull));
    return () => consumers.delete(pull);
  }

  /** Lets the role's workers, in the order they came, take what they have room for. */
  wake(role: WorkerRole): void {
    for (const pull of this.consumers.get(role) ?? []) pull();
  }

  private queue(role: WorkerRole): LocalJob[] {
    let queue = this.queues.get(role);
    if (!queue) {
      queue = [];
      this.queues.set(role, queue);
    }
    return queue;
  }
}
