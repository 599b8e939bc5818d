import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFileToolkit, planReply } from '@codegod/agents/testing';
import { ScriptedLlmClient } from '@codegod/llm/testing';
import { type AcceptanceCheck, type Task, WORKER_ROLES } from '@codegod/protocol';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedFleet, startEmbeddedFleet } from '../services/embedded-fleet.js';

// Property: whatever the graph, an agent that does nothing cannot make a task whose check
// fails count as succeeded. The role's health check always passes here (present.txt says
// "here"), so only the acceptance checks stand between a no-op and "succeeded".

/** Checks with a known verdict in a workspace that holds present.txt = "here". */
const CHECKS: { check: AcceptanceCheck; passes: boolean }[] = [
  { check: { type: 'file', path: 'present.txt' }, passes: true },
  { check: { type: 'file', path: 'absent.txt' }, passes: false },
  { check: { type: 'file', path: 'present.txt', content_regex: '^here$' }, passes: true },
  { check: { type: 'file', path: 'present.txt', content_regex: '^done$' }, passes: false },
  { check: { type: 'command', argv: ['true'] }, passes: true },
  { check: { type: 'command', argv: ['false'] }, passes: false },
  { check: { type: 'command', argv: ['true'], exit_code: 1 }, passes: false },
  { check: { type: 'command', argv: ['cat', 'present.txt'], stdout_regex: 'here' }, passes: true },
];

/** Random DAGs (task i depends only on smaller indexes), each task with 1 to 3 checks. */
const graphArbitrary = fc.integer({ min: 1, max: 6 }).chain((size) =>
  fc.tuple(
    ...Array.from({ length: size }, (_, i) =>
      fc.record({
        role: fc.constantFrom(...WORKER_ROLES),
        deps: fc.uniqueArray(fc.integer({ min: 0, max: Math.max(0, i - 1) }), {
          maxLength: i === 0 ? 0 : Math.min(i, 2),
        }),
        checks: fc.array(fc.integer({ min: 0, max: CHECKS.length - 1 }), {
          minLength: 1,
          maxLength: 3,
        }),
      }),
    ),
  ),
);

describe('property: a no-op agent never turns a failing check into success', () => {
  let fleet: EmbeddedFleet;
  beforeAll(async () => {
    const llm = new ScriptedLlmClient({
      rules: [
        // The no-op agent: it reads a file and changes nothing.
        {
          match: { phase: 'plan' },
          reply: planReply([{ action: 'read_file', args: { path: 'present.txt' } }]),
        },
      ],
    });
    const toolkit = createFileToolkit({ path: 'present.txt', content: 'here' });
    fleet = await startEmbeddedFleet({
      llm,
      toolkits: Object.fromEntries(
        WORKER_ROLES.map((role) => [role, { ...toolkit, role }]),
      ) as never,
      agentLimits: { maxIterations: 1, maxWipes: 0 },
      bus: { attempts: 1, backoffMs: 0 },
      limits: { maxReplanRounds: 0 },
    });
  });
  afterAll(async () => {
    await fleet?.close();
  });

  it('reports succeeded exactly the tasks whose own and ancestors checks all pass', async () => {
    await fc.assert(
      fc.asyncProperty(graphArbitrary, async (nodes) => {
        const tasks: Task[] = nodes.map((node, i) => ({
          id: `t${i}`,
          description: `task ${i}`,
          role: node.role,
          depends_on: node.deps.map((d) => `t${d}`),
          acceptance: node.checks.map((c) => CHECKS[c]!.check),
        }));
        const ownPass = nodes.map((node) => node.checks.every((c) => CHECKS[c]!.passes));
        const canSucceed: boolean[] = [];
        nodes.forEach((node, i) => {
          canSucceed[i] = ownPass[i]! && node.deps.every((d) => canSucceed[d]);
        });
        const workspace = await mkdtemp(join(tmpdir(), 'codegod-no-false-success-'));
        try {
          await writeFile(join(workspace, 'present.txt'), 'here');
          const report = await fleet.orchestrator.run({
            problem: 'do nothing',
            workspace,
            plan: { tasks },
          });
          for (const [i, task] of report.tasks.entries()) {
            // The property itself: a failing check is never reported succeeded.
            if (!ownPass[i]) expect(task.state, task.id).not.toBe('succeeded');
            expect(task.state === 'succeeded', task.id).toBe(canSucceed[i]);
            if (task.state === 'succeeded') expect(task.proof, task.id).toBe('verified');
          }
          expect(report.state).toBe(canSucceed.every(Boolean) ? 'succeeded' : 'failed');
        } finally {
          await rm(workspace, { recursive: true, force: true });
        }
      }),
      { numRuns: 30 },
    );
  }, 300_000);
});
