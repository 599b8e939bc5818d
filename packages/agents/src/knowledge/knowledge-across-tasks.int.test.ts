import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { RoleToolkit } from '@codegod/actions';
import { createLlmClient } from '@codegod/llm';
import { type ScriptedLlmServer, startScriptedLlmServer } from '@codegod/llm/testing';
import {
  createInMemoryMemoryStore,
  InMemoryRunFactStore,
  RedisRunFactStore,
  type RunFactStore,
} from '@codegod/memory';
import type { Observation, Task, WorkerRole } from '@codegod/protocol';
import { type RedisServer, startRedisServer, tempDir } from '@codegod/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgent } from '../agent.js';
import { createFileToolkit, planReply } from '../testing/index.js';

// Issue 19's acceptance: what an observer establishes is kept in the agent's knowledge (a wipe
// keeps it) and shown to its next task, and shared with the run's later tasks on other agents.

let server: ScriptedLlmServer;
let redisServer: RedisServer;
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
  redisServer = await startRedisServer();
  dir = await tempDir('codegod-knowledge-');
});
afterAll(async () => {
  await server.close();
  await redisServer.stop();
  await dir.remove();
});

let workspaces = 0;
/** A fresh workspace folder inside the test's temporary folder. */
async function newWorkspace(): Promise<string> {
  const path = join(dir.path, `ws-${++workspaces}`);
  await mkdir(path);
  return path;
}

const llm = () =>
  createLlmClient({ baseURL: server.url, model: 'scripted-model', timeoutMs: 5000, env: {} });

/** A file toolkit whose observer states what `observations` says, one call after another. */
function observingToolkit(role: WorkerRole, observations: Observation[]): RoleToolkit {
  const base = createFileToolkit({ role, path: 'out.txt', content: 'done' });
  let call = 0;
  return {
    ...base,
    async observe(task, context) {
      const seen = await base.observe(task, context);
      return { ...seen, ...(observations[Math.min(call++, observations.length - 1)] ?? {}) };
    },
  };
}

const task = (id: string, role: WorkerRole): Task => ({
  id,
  description: `task ${id}`,
  role,
  depends_on: [],
});

/** The prompt of the last iteration call about task `id`. */
function reasonPrompt(id: string): string {
  const request = server.requests.findLast(
    (r) => r.phase === 'plan' && r.messages.some((m) => m.content.includes(`"id": "${id}"`)),
  );
  expect(request, `no plan call for ${id}`).toBeDefined();
  return request!.messages.map((m) => m.content).join('\n');
}

describe('knowledge across tasks and wipes', () => {
  it("a second task gets the first one's venv_path without observing it; a wipe keeps it", async () => {
    const workspace = await newWorkspace();
    const memory = createInMemoryMemoryStore();
    const agent = createAgent({
      agentId: 'backend-knows',
      toolkit: observingToolkit('backend', [
        { venv_path: 'venv', python_version: '3.11.4', findings: [] },
        { findings: [] },
      ]),
      llm: llm(),
      memory,
      limits: { maxIterations: 1, maxWipes: 0 },
    });
    const run = { runId: 'run-knowledge', workspace };
    await agent.run(task('first', 'backend'), run);
    await agent.run(task('second', 'backend'), run);
    expect(reasonPrompt('second')).toMatch(
      /"workspace_facts": \{\s*"venv_path": "venv",\s*"python_version": "3\.11\.4"/,
    );

    await memory.wipe(agent.agentId);
    await agent.run(task('third', 'backend'), run);
    expect(reasonPrompt('third')).toMatch(/"venv_path": "venv"/);
    const stored = await memory.load(agent.agentId);
    expect(stored?.knowledge.workspace_facts).toMatchObject({
      [workspace]: { venv_path: { value: 'venv', found_by: 'backend-knows', task_id: 'first' } },
    });
  });

  it('corrects a remembered fact that an observation contradicts', async () => {
    const workspace = await newWorkspace();
    const memory = createInMemoryMemoryStore();
    const agent = createAgent({
      agentId: 'backend-corrects',
      toolkit: observingToolkit('backend', [
        { venv_path: 'venv', findings: [] },
        { venv_path: '.venv', findings: [] },
        { findings: [] },
      ]),
      llm: llm(),
      memory,
      limits: { maxIterations: 1, maxWipes: 0 },
    });
    const run = { runId: 'run-corrects', workspace };
    await agent.run(task('finds', 'backend'), run);
    await agent.run(task('contradicts', 'backend'), run);
    await agent.run(task('after', 'backend'), run);
    expect(reasonPrompt('after')).toMatch(/"venv_path": "\.venv"/);
    expect(reasonPrompt('after')).not.toMatch(/"venv_path": "venv"/);
  });
});

describe.each([
  [
    'embedded (in-process store)',
    async () => ({ store: new InMemoryRunFactStore(), close: async () => {} }),
  ],
  [
    'distributed (Redis store, one client per agent process)',
    async () => {
      const stores = [
        new RedisRunFactStore(redisServer.url),
        new RedisRunFactStore(redisServer.url),
      ];
      return {
        store: stores,
        close: async () => {
          for (const store of stores) await store.close();
        },
      };
    },
  ],
] as const)('a fact crosses agents: %s', (_name, open) => {
  it("a backend agent's venv_path is in the prompt of a later testing task on another agent", async () => {
    const { store, close } = await open();
    const [backendFacts, testingFacts]: RunFactStore[] = Array.isArray(store)
      ? store
      : [store, store];
    const workspace = await newWorkspace();
    const runId = `run-facts-${Math.random().toString(36).slice(2)}`;
    const backend = createAgent({
      agentId: 'backend-finder',
      toolkit: observingToolkit('backend', [{ venv_path: 'venv', findings: [] }]),
      llm: llm(),
      memory: createInMemoryMemoryStore(),
      facts: backendFacts!,
      limits: { maxIterations: 1, maxWipes: 0 },
    });
    const testing = createAgent({
      agentId: 'testing-reader',
      toolkit: observingToolkit('testing', [{ findings: [] }]),
      llm: llm(),
      memory: createInMemoryMemoryStore(),
      facts: testingFacts!,
      limits: { maxIterations: 1, maxWipes: 0 },
    });
    await backend.run(task('make-venv', 'backend'), { runId, workspace });
    await testing.run(task('run-tests', 'testing'), { runId, workspace });
    expect(reasonPrompt('run-tests')).toMatch(
      /Facts found earlier in this run:\n- venv_path: "venv" \(found by backend-finder, backend, in task make-venv at \d{4}-\d\d-\d\dT/,
    );
    // Another run does not see it.
    await testing.run(task('other-run', 'testing'), { runId: `${runId}-other`, workspace });
    expect(reasonPrompt('other-run')).not.toMatch(/Facts found earlier/);
    await close();
  });
});
