import {
  type Result,
  type RunState,
  type Task,
  type TaskState,
  TERMINAL_TASK_STATES,
  validateTaskGraph,
} from '@codegod/protocol';
import { InvalidRunChangeError } from './errors/invalid-run-change-error.js';

/** Settings of one run's scheduler. */
export interface SchedulerCoreOptions {
  /** Hold a failed task's dependents until `extend` or `finish`. Default: false. */
  holdOnFailure?: boolean;
  /**
   * Hold the run once every task has succeeded, until `extend` or `finish`: the run's own
   * acceptance checks are due. Default: false (the run succeeds at once).
   */
  holdOnSuccess?: boolean;
  /** Generations of tasks retried by earlier replans, when rebuilding a stored run. Default: none. */
  generations?: Record<string, number>;
  /** Failures of earlier generations, when rebuilding a stored run (see `CoreTask.previous`). */
  previous?: Record<string, PreviousFailure>;
}

/** What the core knows about one task. */
export interface CoreTask {
  task: Task;
  state: TaskState;
  /** Bumped each time `extend` retries the task, so late results of old attempts are ignored. */
  generation: number;
  result?: Result;
  reason?: string;
  agentId?: string;
  /**
   * The outcome of the attempt a replan re-armed, when it had failed: if the run ends before the
   * retry runs, the task is reported as that failure, not as skipped.
   */
  previous?: PreviousFailure;
}

/** A failed outcome a replan set aside. */
export interface PreviousFailure {
  result?: Result;
  reason: string;
  agentId?: string;
}

/** A task that became skipped, and why. */
export interface SkippedTask {
  taskId: string;
  reason: string;
}

/** The effect of recording a result. */
export interface RecordOutcome {
  /** False when the task already had a result (or was not running): the result is ignored. */
  accepted: boolean;
  /** Tasks whose dependencies are now all done; the caller enqueues them. */
  newlyReady: Task[];
  /** Dependents skipped because of this result. */
  skipped: SkippedTask[];
}

/** Where a run stands. */
export interface CoreStatus {
  state: RunState;
  reason: string;
  /** True when a failed task holds its dependents and nothing else can run. */
  awaitingReplan: boolean;
  /** True when every task succeeded and the run waits for its acceptance checks. */
  awaitingAcceptance: boolean;
}

/** The changes a replan makes; mirrors the port's RunExtension. */
export interface CoreExtension {
  add: Task[];
  retry: { taskId: string; dependsOn: string[] }[];
}

/** Why a task failed, as the scheduler records it. */
export function failureReason(taskId: string, result: Result): string {
  return `task "${taskId}" failed: ${result.output || 'no output'}`;
}

/**
 * The transport-free DAG scheduler of one run: a graph and recorded results in, ready tasks
 * out. It does no I/O, so both adapters share it and a restarted master rebuilds it by
 * replaying the results it finds in Redis.
 */
export class SchedulerCore {
  private readonly nodes = new Map<string, CoreTask>();
  /** taskId → ids of the tasks that depend on it. */
  private readonly dependents = new Map<string, Set<string>>();
  /** taskId → number of dependencies not yet succeeded; kept so `recordResult` is O(degree). */
  private readonly waitingOn = new Map<string, number>();
  /** Pending tasks whose dependencies are done and that nobody has queued yet. */
  private readonly readySet = new Set<string>();
  private readonly holdOnFailure: boolean;
  private readonly holdOnSuccess: boolean;
  private terminalCount = 0;
  private activeCount = 0;
  private firstFailure: string | undefined;
  private ended: { state: RunState; reason: string } | undefined;

  constructor(tasks: readonly Task[], options: SchedulerCoreOptions = {}) {
    this.holdOnFailure = options.holdOnFailure ?? false;
    this.holdOnSuccess = options.holdOnSuccess ?? false;
    const check = validateTaskGraph({ tasks });
    if (!check.ok) {
      throw new InvalidRunChangeError(check.errors.map((e) => e.message).join('; '));
    }
    for (const task of tasks) this.addNode(task, options.generations?.[task.id] ?? 0);
    for (const task of tasks) this.link(task);
    for (const [id, previous] of Object.entries(options.previous ?? {})) {
      const node = this.nodes.get(id);
      if (node && node.generation > 0) node.previous = previous;
    }
  }

  /** Every task, in the order they were added. */
  tasks(): CoreTask[] {
    return [...this.nodes.values()];
  }

  /** One task, or undefined. */
  get(taskId: string): CoreTask | undefined {
    return this.nodes.get(taskId);
  }

  /** Tasks ready to enqueue and not yet marked queued. */
  ready(): Task[] {
    if (this.ended) return [];
    return [...this.readySet].map((id) => this.nodes.get(id)!.task);
  }

  /** Marks ready tasks as queued, so `ready()` stops returning them. */
  markQueued(taskIds: Iterable<string>): void {
    for (const id of taskIds) {
      if (!this.readySet.delete(id)) continue;
      this.nodes.get(id)!.state = 'queued';
      this.activeCount++;
    }
  }

  /** Marks a queued task as running (a worker picked it up). */
  markRunning(taskId: string): void {
    const node = this.nodes.get(taskId);
    if (node?.state === 'queued') node.state = 'running';
  }

  /**
   * Records a task's result. The first result wins; a later one, or one for a task that is
   * not queued or running, is ignored with `accepted: false`.
   */
  recordResult(taskId: string, result: Result, agentId?: string): RecordOutcome {
    const node = this.nodes.get(taskId);
    const none: RecordOutcome = { accepted: false, newlyReady: [], skipped: [] };
    if (!node || this.ended || (node.state !== 'queued' && node.state !== 'running')) return none;
    node.result = result;
    node.agentId = agentId;
    this.activeCount--;
    if (result.success) {
      this.setTerminal(node, 'succeeded');
      const newlyReady: Task[] = [];
      for (const id of this.dependents.get(taskId) ?? []) {
        if (this.release(id)) newlyReady.push(this.nodes.get(id)!.task);
      }
      return { accepted: true, newlyReady, skipped: [] };
    }
    const reason = failureReason(taskId, result);
    this.setTerminal(node, 'failed', reason);
    this.firstFailure ??= reason;
    const skipped = this.holdOnFailure ? [] : this.skipDependents(taskId, reason);
    return { accepted: true, newlyReady: [], skipped };
  }

  /**
   * Applies a replan: adds tasks and re-arms failed (or skipped) tasks behind new
   * dependencies. Throws InvalidRunChangeError when the result is not a valid DAG.
   */
  extend(extension: CoreExtension): { newlyReady: Task[]; skipped: SkippedTask[] } {
    if (this.ended) throw new InvalidRunChangeError('the run has already ended');
    const retries = new Map(extension.retry.map((r) => [r.taskId, r.dependsOn]));
    for (const [id] of retries) {
      const node = this.nodes.get(id);
      if (!node) throw new InvalidRunChangeError(`cannot retry unknown task "${id}"`);
      if (node.state !== 'failed' && node.state !== 'skipped') {
        throw new InvalidRunChangeError(`cannot retry task "${id}" in state ${node.state}`);
      }
    }
    const merged = [...this.nodes.values()].map((n) => {
      const dependsOn = retries.get(n.task.id);
      return dependsOn ? { ...n.task, depends_on: dependsOn } : n.task;
    });
    const check = validateTaskGraph({ tasks: [...merged, ...extension.add] });
    if (!check.ok) {
      throw new InvalidRunChangeError(check.errors.map((e) => e.message).join('; '));
    }
    // Re-arm retried tasks first so new tasks that depend on them count them as not done.
    for (const [id, dependsOn] of retries) this.rearm(id, dependsOn);
    for (const task of extension.add) this.addNode(task, 0);
    for (const task of extension.add) this.link(task);
    this.recomputeFirstFailure();
    const skipped: SkippedTask[] = [];
    if (!this.holdOnFailure) {
      for (const node of this.nodes.values()) {
        if (node.state === 'pending') skipped.push(...this.skipIfBlocked(node.task.id));
      }
    }
    return { newlyReady: this.ready(), skipped };
  }

  /**
   * Ends the run early: queued or running tasks become cancelled with `reason`. A pending task
   * whose retry never ran is reported as the failure it had; any other pending task is skipped,
   * naming its own dependency that did not succeed, or `reason` when none did. Returns the
   * tasks it changed.
   */
  finish(state: Exclude<RunState, 'running'>, reason: string): CoreTask[] {
    const changed: CoreTask[] = [];
    if (this.ended) return changed;
    for (const node of this.nodes.values()) {
      if (TERMINAL_TASK_STATES.has(node.state)) continue;
      const active = node.state === 'queued' || node.state === 'running';
      if (active) this.activeCount--;
      if (active || state === 'cancelled') {
        this.setTerminal(node, 'cancelled', reason);
      } else if (node.previous) {
        this.setTerminal(node, 'failed', node.previous.reason);
        node.result = node.previous.result;
        node.agentId = node.previous.agentId;
      } else continue;
      changed.push(node);
    }
    // What is left is pending: dependencies first (an explicit stack: chains can be long), so
    // each task names its own blocker and the failure at the root of it.
    const rootCause = new Map<string, string>();
    for (const start of this.nodes.values()) {
      const stack: [CoreTask, boolean][] = [[start, false]];
      while (stack.length > 0) {
        const [node, depsDone] = stack.pop()!;
        if (node.state !== 'pending') continue;
        const deps = node.task.depends_on.map((d) => this.nodes.get(d)!);
        if (!depsDone) {
          stack.push([node, true], ...deps.map((d): [CoreTask, boolean] => [d, false]));
          continue;
        }
        const blocker = deps.find((d) => d.state === 'failed' || d.state === 'skipped');
        const why = blocker
          ? (rootCause.get(blocker.task.id) ??
            blocker.reason ??
            `task "${blocker.task.id}" ${blocker.state}`)
          : reason;
        rootCause.set(node.task.id, why);
        const because = blocker
          ? `dependency "${blocker.task.id}" did not succeed (${why})`
          : reason;
        this.setTerminal(node, 'skipped', because);
        changed.push(node);
      }
    }
    this.readySet.clear();
    this.ended = { state, reason };
    return changed;
  }

  /** The run's state, derived from its tasks. */
  status(): CoreStatus {
    const waiting = { awaitingReplan: false, awaitingAcceptance: false };
    if (this.ended) return { ...this.ended, ...waiting };
    const allDone = this.terminalCount === this.nodes.size;
    if (this.holdOnFailure && this.firstFailure !== undefined) {
      const stuck = this.activeCount === 0 && this.readySet.size === 0;
      return { state: 'running', reason: this.firstFailure, ...waiting, awaitingReplan: stuck };
    }
    if (!allDone) return { state: 'running', reason: '', ...waiting };
    if (this.firstFailure !== undefined) {
      return { state: 'failed', reason: this.firstFailure, ...waiting };
    }
    if (this.holdOnSuccess) {
      const reason = "all tasks succeeded; the run's acceptance checks are due";
      return { state: 'running', reason, ...waiting, awaitingAcceptance: true };
    }
    return { state: 'succeeded', reason: 'all tasks succeeded', ...waiting };
  }

  private addNode(task: Task, generation: number): void {
    this.nodes.set(task.id, { task, state: 'pending', generation });
  }

  private link(task: Task): void {
    let waiting = 0;
    for (const dep of task.depends_on) {
      const set = this.dependents.get(dep) ?? new Set<string>();
      this.dependents.set(dep, set);
      set.add(task.id);
      if (this.nodes.get(dep)?.state !== 'succeeded') waiting++;
    }
    this.waitingOn.set(task.id, waiting);
    if (waiting === 0) this.readySet.add(task.id);
  }

  private rearm(taskId: string, dependsOn: string[]): void {
    const node = this.nodes.get(taskId)!;
    if (node.state === 'failed') {
      node.previous = {
        reason: node.reason ?? `task "${taskId}" failed`,
        ...(node.result ? { result: node.result } : {}),
        ...(node.agentId ? { agentId: node.agentId } : {}),
      };
    }
    for (const dep of node.task.depends_on) this.dependents.get(dep)?.delete(taskId);
    node.task = { ...node.task, depends_on: dependsOn };
    node.state = 'pending';
    node.generation++;
    node.result = undefined;
    node.reason = undefined;
    node.agentId = undefined;
    this.terminalCount--;
    this.link(node.task);
    // Dependents skipped because of this task get another chance. A failed or skipped task
    // never counted as done, so their waiting counts are already right.
    const stack = [taskId];
    while (stack.length > 0) {
      for (const id of this.dependents.get(stack.pop()!) ?? []) {
        const dependent = this.nodes.get(id)!;
        if (dependent.state !== 'skipped') continue;
        dependent.state = 'pending';
        dependent.reason = undefined;
        this.terminalCount--;
        stack.push(id);
      }
    }
  }

  private release(taskId: string): boolean {
    const left = (this.waitingOn.get(taskId) ?? 1) - 1;
    this.waitingOn.set(taskId, left);
    const node = this.nodes.get(taskId)!;
    if (left !== 0 || node.state !== 'pending') return false;
    this.readySet.add(taskId);
    return true;
  }

  private setTerminal(node: CoreTask, state: TaskState, reason?: string): void {
    if (!TERMINAL_TASK_STATES.has(node.state)) this.terminalCount++;
    node.state = state;
    node.reason = reason;
  }

  /** Skips every transitive dependent still pending; iterative for deep graphs. */
  private skipDependents(taskId: string, reason: string): SkippedTask[] {
    const skipped: SkippedTask[] = [];
    const stack: [string, string][] = [[taskId, reason]];
    while (stack.length > 0) {
      const [from, why] = stack.pop()!;
      for (const id of this.dependents.get(from) ?? []) {
        const node = this.nodes.get(id)!;
        if (node.state !== 'pending') continue;
        const because = `dependency "${from}" did not succeed (${why})`;
        this.readySet.delete(id);
        this.setTerminal(node, 'skipped', because);
        skipped.push({ taskId: id, reason: because });
        stack.push([id, why]);
      }
    }
    return skipped;
  }

  private skipIfBlocked(taskId: string): SkippedTask[] {
    const node = this.nodes.get(taskId)!;
    const blocker = node.task.depends_on
      .map((d) => this.nodes.get(d)!)
      .find((d) => d.state === 'failed' || d.state === 'skipped' || d.state === 'cancelled');
    if (!blocker || node.state !== 'pending') return [];
    const why = blocker.reason ?? `task "${blocker.task.id}" ${blocker.state}`;
    const because = `dependency "${blocker.task.id}" did not succeed (${why})`;
    this.readySet.delete(taskId);
    this.setTerminal(node, 'skipped', because);
    return [{ taskId, reason: because }, ...this.skipDependents(taskId, why)];
  }

  private recomputeFirstFailure(): void {
    this.firstFailure = [...this.nodes.values()].find((n) => n.state === 'failed')?.reason;
  }
}
