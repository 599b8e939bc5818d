import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WORKER_ROLES } from './roles.js';
import type { Task } from './task.js';
import {
  MAX_LISTED_GRAPH_ERRORS,
  taskGraphWaves,
  validateTaskGraph,
} from './validate-task-graph.js';

/** Random DAGs: task i may depend only on tasks with a smaller index. */
const dagArbitrary = fc
  .integer({ min: 1, max: 40 })
  .chain((size) =>
    fc.tuple(
      ...Array.from({ length: size }, (_, i) =>
        fc.record({
          role: fc.constantFrom(...WORKER_ROLES),
          deps: fc.uniqueArray(fc.integer({ min: 0, max: Math.max(0, i - 1) }), {
            maxLength: i === 0 ? 0 : Math.min(i, 4),
          }),
        }),
      ),
    ),
  )
  .map((nodes) => ({
    tasks: nodes.map(
      (node, i): Task => ({
        id: `t${i}`,
        description: `task ${i}`,
        role: node.role,
        depends_on: node.deps.map((d) => `t${d}`),
      }),
    ),
  }));

describe('validateTaskGraph', () => {
  it('accepts every acyclic graph', () => {
    fc.assert(
      fc.property(dagArbitrary, (graph) => {
        const result = validateTaskGraph(graph);
        expect(result.errors).toEqual([]);
        expect(result.ok).toBe(true);
      }),
    );
  });

  it('rejects every graph with an injected cycle and names the cycle', () => {
    fc.assert(
      fc.property(
        dagArbitrary.filter((g) => g.tasks.length >= 2),
        fc.nat(),
        fc.nat(),
        (graph, a, b) => {
          // Pick i < j; add an edge i -> j. A path j -> ... -> i exists when j depends on i
          // transitively; force it by also adding j -> i.
          const n = graph.tasks.length;
          const i = a % (n - 1);
          const j = i + 1 + (b % (n - 1 - i));
          const tasks = graph.tasks.map((t) => ({ ...t, depends_on: [...t.depends_on] }));
          tasks[i]!.depends_on.push(`t${j}`);
          if (!tasks[j]!.depends_on.includes(`t${i}`)) tasks[j]!.depends_on.push(`t${i}`);
          const result = validateTaskGraph({ tasks });
          expect(result.ok).toBe(false);
          const cycles = result.errors.filter((e) => e.code === 'cycle');
          expect(cycles.length).toBeGreaterThan(0);
          for (const cycle of cycles) {
            const ids = cycle.task_ids;
            expect(ids[0]).toBe(ids[ids.length - 1]);
            // Every consecutive pair is a real edge of the graph.
            for (let k = 0; k + 1 < ids.length; k++) {
              const from = tasks.find((t) => t.id === ids[k])!;
              expect(from.depends_on).toContain(ids[k + 1]);
            }
          }
          expect(
            cycles.some((c) => c.task_ids.includes(`t${i}`) && c.task_ids.includes(`t${j}`)),
          ).toBe(true);
        },
      ),
    );
  });

  it('rejects every graph with a dangling dependency and names it', () => {
    fc.assert(
      fc.property(dagArbitrary, fc.nat(), (graph, a) => {
        const i = a % graph.tasks.length;
        const tasks = graph.tasks.map((t) => ({ ...t, depends_on: [...t.depends_on] }));
        tasks[i]!.depends_on.push('ghost');
        const result = validateTaskGraph({ tasks });
        expect(result.ok).toBe(false);
        expect(result.errors).toContainEqual(
          expect.objectContaining({ code: 'unknown-dependency', task_ids: [`t${i}`, 'ghost'] }),
        );
      }),
    );
  });

  it('reports duplicate ids, unknown roles and bad shapes without throwing', () => {
    const result = validateTaskGraph({
      tasks: [
        { id: 'a', description: 'x', role: 'backend', depends_on: [] },
        { id: 'a', description: 'y', role: 'backend', depends_on: [] },
        { id: 'b', description: 'z', role: 'wizard', depends_on: [] },
        { id: 'c', description: '', role: 'testing', depends_on: 'a' },
        42,
      ],
    });
    expect(result.ok).toBe(false);
    const codes = result.errors.map((e) => e.code).sort();
    expect(codes).toEqual(['duplicate-id', 'invalid-task', 'invalid-task', 'unknown-role']);
    for (const input of [null, undefined, 'tasks', [], { tasks: {} }, { tasks: [] }]) {
      const bad = validateTaskGraph(input);
      expect(bad.ok).toBe(false);
      expect(bad.errors[0]?.code).toBe('invalid-shape');
    }
  });

  it('reports a self-dependency as a cycle', () => {
    const result = validateTaskGraph({
      tasks: [{ id: 'a', description: 'x', role: 'backend', depends_on: ['a'] }],
    });
    expect(result.errors).toEqual([
      expect.objectContaining({ code: 'cycle', task_ids: ['a', 'a'] }),
    ]);
  });

  it('names a few of 10,000 cycles, then counts the rest, in a message of a few hundred bytes', () => {
    // t0 -> t1 -> … -> t9999, and t9999 depends on every task: 10,000 back edges, each closing
    // a cycle of up to 10,000 tasks. Listing them all took 440 MB and ended out of memory.
    const size = 10_000;
    const tasks = Array.from({ length: size }, (_, i) => ({
      id: `t${i}`,
      description: 'x',
      role: 'backend' as const,
      depends_on: i === size - 1 ? Array.from({ length: size }, (_, j) => `t${j}`) : [`t${i + 1}`],
    }));
    const result = validateTaskGraph({ tasks });
    expect(result.ok).toBe(false);
    const cycles = result.errors.filter((e) => e.code === 'cycle');
    expect(cycles).toHaveLength(MAX_LISTED_GRAPH_ERRORS + 1);
    expect(cycles.at(-1)).toEqual({
      code: 'cycle',
      message: `and at least ${size - MAX_LISTED_GRAPH_ERRORS} more dependency cycles`,
      task_ids: [],
    });
    // The 10,000-task cycle is named by its first ids and its length.
    expect(cycles[0]?.message).toBe(
      'dependency cycle of 10000 tasks: t0 -> t1 -> t2 -> t3 -> t4 -> t5 -> t6 -> t7 -> … -> t0',
    );
    expect(cycles[0]?.task_ids).toHaveLength(size + 1);
    const text = result.errors.map((e) => e.message).join('; ');
    expect(text.length).toBeLessThan(1000);
  });

  it('caps every kind of problem, and never stringifies a hostile value', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const tasks = Array.from({ length: 3000 }, (_, i) => ({
      id: `t${i}`,
      description: 'x',
      role: i % 2 === 0 ? deep : 'backend',
      depends_on: [`ghost-${'g'.repeat(100_000)}-${i}`],
    }));
    const result = validateTaskGraph({ tasks });
    expect(result.ok).toBe(false);
    const byCode = (code: string) => result.errors.filter((e) => e.code === code);
    expect(byCode('unknown-role')).toHaveLength(MAX_LISTED_GRAPH_ERRORS + 1);
    expect(byCode('unknown-role')[0]?.message).toMatch(/has role an array; expected/);
    expect(byCode('unknown-role').at(-1)?.message).toBe(
      `and ${1500 - MAX_LISTED_GRAPH_ERRORS} more tasks with an unknown role`,
    );
    expect(byCode('unknown-dependency')).toHaveLength(MAX_LISTED_GRAPH_ERRORS + 1);
    expect(JSON.stringify(result.errors).length).toBeLessThan(4000);
  });
});

describe('taskGraphWaves', () => {
  it('puts every task after all of its dependencies', () => {
    fc.assert(
      fc.property(dagArbitrary, (graph) => {
        const waves = taskGraphWaves(graph);
        const waveOf = new Map<string, number>();
        waves.forEach((wave, w) => {
          for (const t of wave) waveOf.set(t.id, w);
        });
        expect(waveOf.size).toBe(graph.tasks.length);
        for (const task of graph.tasks) {
          for (const dep of task.depends_on)
            expect(waveOf.get(dep)!).toBeLessThan(waveOf.get(task.id)!);
          if (task.depends_on.length > 0) {
            expect(Math.max(...task.depends_on.map((d) => waveOf.get(d)!)) + 1).toBe(
              waveOf.get(task.id),
            );
          }
        }
      }),
    );
  });

  it('survives a 5,000-task chain without recursion', () => {
    const tasks = Array.from({ length: 5000 }, (_, i) => ({
      id: `t${i}`,
      description: 'x',
      role: 'backend' as const,
      depends_on: i === 0 ? [] : [`t${i - 1}`],
    }));
    expect(validateTaskGraph({ tasks }).ok).toBe(true);
    expect(taskGraphWaves({ tasks })).toHaveLength(5000);
  });
});
