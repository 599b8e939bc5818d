import { type AcceptanceCheck, readCheckList } from './acceptance.js';
import { isWorkerRole, WORKER_ROLES } from './roles.js';
import { type Task, type TaskGraph, taskIdSchema } from './task.js';
import { cappedText } from './text/capped-list.js';

/** What is wrong with a task graph. */
export type TaskGraphErrorCode =
  | 'invalid-shape'
  | 'invalid-task'
  | 'duplicate-id'
  | 'unknown-role'
  | 'unknown-dependency'
  | 'invalid-check'
  | 'cycle';

/** One problem found in a task graph, naming the tasks involved. */
export interface TaskGraphError {
  code: TaskGraphErrorCode;
  message: string;
  /**
   * The offending task ids; for a cycle, in cycle order with the first id repeated last. Empty
   * for a summary ("and N more …") of the problems of this code that are not listed one by one.
   */
  task_ids: string[];
}

/**
 * How many problems of each code validateTaskGraph lists one by one; the rest are counted in
 * one summary error. A hostile graph (10,000 tasks in cycles) would otherwise produce an error
 * list, a repair prompt and a message of hundreds of megabytes.
 */
export const MAX_LISTED_GRAPH_ERRORS = 5;

/** How many task ids a cycle's message names before it says how long the cycle is. */
const MAX_IDS_IN_MESSAGE = 8;

/** The outcome of `validateTaskGraph`. */
export type TaskGraphValidation =
  | { ok: true; graph: TaskGraph; errors: [] }
  | { ok: false; errors: TaskGraphError[] };

/**
 * A value from the input as an error message may show it: strings quoted and cut short, other
 * values by their type only (stringifying a hostile value could be huge or overflow the stack).
 */
function shown(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(cappedText(value, 64));
  if (Array.isArray(value)) return 'an array';
  return value === null ? 'null' : `a ${typeof value}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Checks that `input` is a runnable task graph: well-formed tasks, unique ids, known roles,
 * known dependencies and no cycles. Never throws. Lists up to MAX_LISTED_GRAPH_ERRORS problems
 * of each code, then one summary error per code with how many more were found.
 */
export function validateTaskGraph(input: unknown): TaskGraphValidation {
  if (!isRecord(input) || !Array.isArray(input.tasks)) {
    return {
      ok: false,
      errors: [
        { code: 'invalid-shape', message: 'expected an object with a "tasks" array', task_ids: [] },
      ],
    };
  }
  if (input.tasks.length === 0) {
    return {
      ok: false,
      errors: [{ code: 'invalid-shape', message: 'the graph has no tasks', task_ids: [] }],
    };
  }
  const errors = new GraphErrorList();
  const tasks: Task[] = [];
  input.tasks.forEach((raw, index) => {
    const task = readTask(raw, index, errors);
    if (task) tasks.push(task);
  });

  const byId = new Map<string, Task>();
  for (const task of tasks) {
    if (byId.has(task.id)) {
      errors.push({
        code: 'duplicate-id',
        message: `task id "${task.id}" is used more than once`,
        task_ids: [task.id],
      });
    } else {
      byId.set(task.id, task);
    }
  }
  for (const task of byId.values()) {
    for (const dependency of task.depends_on) {
      if (!byId.has(dependency)) {
        errors.push({
          code: 'unknown-dependency',
          message: `task "${task.id}" depends on ${shown(dependency)}, which is not in the graph`,
          task_ids: [task.id, cappedText(dependency, 64)],
        });
      }
    }
  }
  findCycles(byId, errors);
  if (errors.found > 0) return { ok: false, errors: errors.list() };
  return { ok: true, graph: { tasks }, errors: [] };
}

const SUMMARY_NOUN: Record<TaskGraphErrorCode, string> = {
  'invalid-shape': 'shape problems',
  'invalid-task': 'invalid tasks',
  'duplicate-id': 'duplicate ids',
  'unknown-role': 'tasks with an unknown role',
  'unknown-dependency': 'unknown dependencies',
  'invalid-check': 'tasks with invalid acceptance checks',
  cycle: 'dependency cycles',
};

/** Keeps the first MAX_LISTED_GRAPH_ERRORS problems of each code and counts the rest. */
class GraphErrorList {
  private readonly listed: TaskGraphError[] = [];
  private readonly unlisted = new Map<TaskGraphErrorCode, number>();
  private readonly listedByCode = new Map<TaskGraphErrorCode, number>();
  /** Every problem found, listed or not. */
  found = 0;

  /** True when another problem of `code` would still be listed (callers skip building it if not). */
  wants(code: TaskGraphErrorCode): boolean {
    return (this.listedByCode.get(code) ?? 0) < MAX_LISTED_GRAPH_ERRORS;
  }

  push(error: TaskGraphError): void {
    this.found++;
    if (this.wants(error.code)) {
      this.listed.push(error);
      this.listedByCode.set(error.code, (this.listedByCode.get(error.code) ?? 0) + 1);
    } else this.count(error.code);
  }

  /** Counts a problem of `code` without building its message. */
  count(code: TaskGraphErrorCode): void {
    if (this.wants(code)) throw new Error(`a ${code} error must be listed, not only counted`);
    this.found++;
    this.unlisted.set(code, (this.unlisted.get(code) ?? 0) + 1);
  }

  list(): TaskGraphError[] {
    const summaries = [...this.unlisted].map(([code, count]) => ({
      code,
      message: `and ${code === 'cycle' ? 'at least ' : ''}${count} more ${SUMMARY_NOUN[code]}`,
      task_ids: [],
    }));
    return [...this.listed, ...summaries];
  }
}

function readTask(raw: unknown, index: number, errors: GraphErrorList): Task | undefined {
  const where = `tasks[${index}]`;
  if (!isRecord(raw)) {
    errors.push({ code: 'invalid-task', message: `${where} is not an object`, task_ids: [] });
    return undefined;
  }
  const id = taskIdSchema.safeParse(raw.id);
  if (!id.success) {
    errors.push({
      code: 'invalid-task',
      message: `${where}.id is missing or invalid (${id.error.issues[0]?.message ?? 'bad id'})`,
      task_ids: typeof raw.id === 'string' ? [cappedText(raw.id, 64)] : [],
    });
    return undefined;
  }
  const problems: string[] = [];
  if (typeof raw.description !== 'string' || raw.description.length === 0) {
    problems.push('"description" must be a non-empty string');
  }
  const dependsOn = raw.depends_on ?? [];
  if (!Array.isArray(dependsOn) || !dependsOn.every((d) => typeof d === 'string')) {
    problems.push('"depends_on" must be an array of task ids');
  }
  if (problems.length > 0) {
    errors.push({
      code: 'invalid-task',
      message: `task "${id.data}": ${problems.join('; ')}`,
      task_ids: [id.data],
    });
    return undefined;
  }
  if (!isWorkerRole(raw.role)) {
    errors.push({
      code: 'unknown-role',
      message: `task "${id.data}" has role ${shown(raw.role)}; expected one of ${WORKER_ROLES.join(', ')}`,
      task_ids: [id.data],
    });
    return undefined;
  }
  const acceptance = readChecks(raw.acceptance, id.data, errors);
  if (acceptance === null) return undefined;
  return {
    id: id.data,
    description: raw.description as string,
    role: raw.role,
    depends_on: dependsOn as string[],
    ...(acceptance ? { acceptance } : {}),
  };
}

/**
 * Reads a task's `acceptance`: undefined when absent, null (after recording an error) when
 * invalid. Argv must be non-empty, paths inside the workspace, timeouts in bounds and regexes
 * must compile; each problem names the check's index and field.
 */
function readChecks(
  raw: unknown,
  taskId: string,
  errors: GraphErrorList,
): AcceptanceCheck[] | undefined | null {
  if (raw === undefined) return undefined;
  const read = readCheckList(raw);
  if ('checks' in read) return read.checks;
  errors.push({
    code: 'invalid-check',
    message: `task "${taskId}": ${read.problem}`,
    task_ids: [taskId],
  });
  return null;
}

/** `a -> b -> … -> a`, naming at most MAX_IDS_IN_MESSAGE ids of a long cycle. */
function describeCycle(cycle: string[]): string {
  if (cycle.length <= MAX_IDS_IN_MESSAGE + 1) return `dependency cycle: ${cycle.join(' -> ')}`;
  const shown = cycle.slice(0, MAX_IDS_IN_MESSAGE).join(' -> ');
  return `dependency cycle of ${cycle.length - 1} tasks: ${shown} -> … -> ${cycle.at(-1)}`;
}

/**
 * Finds dependency cycles by depth-first search: each back edge closes one, returned as a closed
 * path of ids. Only the listed cycles are copied out of the stack; the rest are counted, so
 * memory stays linear in the graph whatever its shape.
 */
function findCycles(byId: Map<string, Task>, errors: GraphErrorList): void {
  const state = new Map<string, 'open' | 'done'>();
  // Where each open task sits on the stack, so closing a cycle needs no search.
  const position = new Map<string, number>();
  for (const start of byId.keys()) {
    if (state.has(start)) continue;
    // Iterative DFS: recursion would overflow on long dependency chains.
    const stack: { id: string; next: number }[] = [{ id: start, next: 0 }];
    state.set(start, 'open');
    position.set(start, 0);
    while (stack.length > 0) {
      const frame = stack[stack.length - 1]!;
      const deps = byId.get(frame.id)?.depends_on ?? [];
      if (frame.next >= deps.length) {
        state.set(frame.id, 'done');
        position.delete(frame.id);
        stack.pop();
        continue;
      }
      const dep = deps[frame.next++]!;
      if (!byId.has(dep)) continue;
      const seen = state.get(dep);
      if (seen === 'open') {
        if (!errors.wants('cycle')) {
          errors.count('cycle');
          continue;
        }
        const cycle = [...stack.slice(position.get(dep)!).map((f) => f.id), dep];
        errors.push({ code: 'cycle', message: describeCycle(cycle), task_ids: cycle });
      } else if (seen === undefined) {
        state.set(dep, 'open');
        position.set(dep, stack.length);
        stack.push({ id: dep, next: 0 });
      }
    }
  }
}

/**
 * Groups a valid graph's tasks into waves: each wave depends only on earlier waves.
 * The number of waves is the critical path length in tasks.
 */
export function taskGraphWaves(graph: TaskGraph): Task[][] {
  const level = new Map<string, number>();
  const byId = new Map(graph.tasks.map((t) => [t.id, t]));
  const levelOf = (id: string): number => {
    const known = level.get(id);
    if (known !== undefined) return known;
    // Iterative to stay safe on deep graphs: resolve dependencies first.
    const pending: string[] = [id];
    while (pending.length > 0) {
      const current = pending[pending.length - 1]!;
      const deps = byId.get(current)?.depends_on ?? [];
      const unresolved = deps.filter((d) => !level.has(d));
      if (unresolved.length > 0) {
        pending.push(...unresolved);
        continue;
      }
      pending.pop();
      level.set(current, deps.length === 0 ? 0 : Math.max(...deps.map((d) => level.get(d)!)) + 1);
    }
    return level.get(id)!;
  };
  const waves: Task[][] = [];
  for (const task of graph.tasks) {
    const l = levelOf(task.id);
    const wave = waves[l] ?? [];
    wave.push(task);
    waves[l] = wave;
  }
  return waves;
}
