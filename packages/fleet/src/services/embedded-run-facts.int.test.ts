import type { RoleToolkit } from '@codegod/actions';
import { createFileToolkit, planReply } from '@codegod/agents/testing';
import { createLlmClient } from '@codegod/llm';
import { type ScriptedLlmServer, startScriptedLlmServer } from '@codegod/llm/testing';
import { WORKER_ROLES, type WorkerRole } from '@codegod/protocol';
import { tempDir } from '@codegod/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedFleet } from './embedded-fleet.js';

// Issue 19: on the embedded fleet, a fact the backend agent's observer found is in the prompt
// of the run's later testing task, which runs on another agent.

let server: ScriptedLlmServer;
let dir: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  server = await startScriptedLlmServer({
    rules: [
      {
        match: { phase: 'plan' },
        reply: planReply([{ action: 'write_file', args: { path: 'out.txt', content: 'done' } }]),
      },
    ],
  });
  dir = await tempDir('codegod-embedded-facts-');
});
afterAll(async () => {
  await server.close();
  await dir.remove();
});

function toolkit(role: WorkerRole): RoleToolkit {
  const base = createFileToolkit({ role, path: 'out.txt', content: 'done' });
  if (role !== 'backend') return base;
  return {
    ...base,
    async observe(task, context) {
      return { ...(await base.observe(task, context)), venv_path: 'venv' };
    },
  };
}

describe('shared facts on the embedded fleet', () => {
  it("puts the backend agent's venv_path into the later testing task's prompt", async () => {
    const fleet = await startEmbeddedFleet({
      llm: createLlmClient({ baseURL: server.url, model: 'scripted-model', env: {} }),
      toolkits: Object.fromEntries(WORKER_ROLES.map((role) => [role, toolkit(role)])) as Record<
        WorkerRole,
        RoleToolkit
      >,
      agentLimits: { maxIterations: 1, maxWipes: 0 },
    });
    try {
      const report = await fleet.orchestrator.run({
        problem: 'set up and test',
        workspace: dir.path,
        plan: {
          tasks: [
            { id: 'make-venv', description: 'make the venv', role: 'backend', depends_on: [] },
            {
              id: 'run-tests',
              description: 'run the tests',
              role: 'testing',
              depends_on: ['make-venv'],
            },
          ],
        },
      });
      expect(report.state).toBe('succeeded');
      expect(report.tasks.map((t) => [t.id, t.agent_id])).toEqual([
        ['make-venv', 'backend-1'],
        ['run-tests', 'testing-1'],
      ]);
      const testingPrompt = server.requests
        .filter((r) => r.role === 'testing' && r.phase === 'plan')
        .map((r) => r.messages.map((m) => m.content).join('\n'))
        .join('\n');
      expect(testingPrompt).toMatch(
        /- venv_path: "venv" \(found by backend-1, backend, in task make-venv at /,
      );
    } finally {
      await fleet.close();
    }
  }, 60_000);
});
