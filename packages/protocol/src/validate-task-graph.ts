import { type AcceptanceCheck, readCheckList } from './acceptance.js';
import { isWorkerRole, WORKER_ROLES } from './roles.js';
import { type Task, type TaskGraph, taskIdSchema } from './task.js';

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
  /** The offending task ids; for a cycle, in cycle order with the first id repeated last. */
  task_ids: string[];
}

/** The outcome of `validateTaskGraph`. */
export type TaskGraphValidation =
  | { ok: true; graph: TaskGraph; errors: [] }
  | { ok: false; errors: TaskGraphError[] };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Checks that `input` is a runnable task graph: well-formed tasks, unique ids, known roles,
 * known dependencies and no cycles. Reports every problem it finds; never throws.
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
  const errors: TaskGraphError[] = [];
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
          message: `task "${task.id}" depends on "${dependency}", which is not in the graph`,
          task_ids: [task.id, dependency],
        });
      }
    }
  }
  for (const cycle of findCycles(byId)) {
    errors.push({
      code: 'cycle',
      message: `dependency cycle: ${cycle.join(' -> ')}`,
      task_ids: cycle,
    });
  }
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, graph: { tasks }, errors: [] };
}

function readTask(raw: unknown, index: number, errors: TaskGraphError[]): Task | undefined {
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
      task_ids: typeof raw.id === 'string' ? [raw.id] : [],
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
      message: `task "${id.data}" has role ${JSON.stringify(raw.role)}; expected one of ${WORKER_ROLES.join(', ')}`,
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
  errors: TaskGraphError[],
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

/** Finds dependency cycles by depth-first search; each is returned as a closed path of ids. */
function findCycles(byId: Map<string, Task>): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  for (const start of byId.keys()) {
    if (state.has(start)) continue;
    // Iterative DFS: recursion would overflow on long dependency chains.
    const stack: { id: string; next: number }[] = [{ id: start, next: 0 }];
    state.set(start, 'open');
    while (stack.length > 0) {
      const frame = stack[stack.length - 1]!;
      const deps = byId.get(frame.id)?.depends_on ?? [];
      if (frame.next >= deps.length) {
        state.set(frame.id, 'done');
        stack.pop();
        continue;
      }
      const dep = deps[frame.next++]!;
      if (!byId.has(dep)) continue;
      const seen = state.get(dep);
      if (seen === 'open') {
        const from = stack.findIndex((f) => f.id === dep);
        cycles.push([...stack.slice(from).map((f) => f.id), dep]);
      } else if (seen === undefined) {
        state.set(dep, 'open');
        stack.push({ id: dep, next: 0 });
      }
    }
  }
  return cycles;
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
