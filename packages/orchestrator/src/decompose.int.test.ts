import { createLlmClient } from '@codegod/llm';
import { type ScriptedLlmServer, startScriptedLlmServer } from '@codegod/llm/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decompose } from './decompose.js';
import { DecompositionError } from './errors/decomposition-error.js';

const cyclic = {
  tasks: [
    { id: 'a', description: 'a', role: 'backend', depends_on: ['b'] },
    { id: 'b', description: 'b', role: 'frontend', depends_on: ['a'] },
  ],
};
const repaired = {
  tasks: [
    { id: 'a', description: 'a', role: 'backend', depends_on: [] },
    { id: 'b', description: 'b', role: 'frontend', depends_on: ['a'] },
  ],
};

describe('decompose (real openai client, scripted server)', () => {
  let server: ScriptedLlmServer;
  beforeAll(async () => {
    server = await startScriptedLlmServer();
  });
  afterAll(() => server.close());

  const client = () =>
    createLlmClient({ baseURL: server.url, model: 'scripted-model', timeoutMs: 5000, env: {} });

  it('feeds a cycle back to the LLM and takes the repaired graph', async () => {
    server.setRules([
      { match: { phase: 'decompose' }, reply: cyclic },
      { match: { phase: 'repair' }, reply: repaired },
    ]);
    server.resetStats();
    const before = server.requests.length;
    const result = await decompose(client(), 'Build a thing', {
      runId: 'r1',
      maxRepairs: 2,
      maxTasks: 10,
    });
    expect(result.graph).toEqual(repaired);
    expect(result.attempts).toBe(2);
    expect(result.rejected[0]?.map((e) => e.code)).toEqual(['cycle']);
    const repairRequest = server.requests.slice(before)[1]!;
    expect(repairRequest.phase).toBe('repair');
    expect(repairRequest.messages.at(-1)?.content).toMatch(/dependency cycle: a -> b -> a/);
  });

  it('rejects clearly when the graph stays cyclic', async () => {
    server.setRules([{ match: { role: 'master' }, reply: cyclic }]);
    const error = await decompose(client(), 'Build a thing', {
      runId: 'r2',
      maxRepairs: 1,
      maxTasks: 10,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DecompositionError);
    expect((error as Error).message).toMatch(/after 2 attempts: dependency cycle: a -> b -> a/);
    expect((error as Error).message).toMatch(/--plan/);
  });

  it('rejects a dangling dependency and a graph over the task budget', async () => {
    server.setRules([
      {
        match: { role: 'master' },
        reply: { tasks: [{ id: 'a', description: 'a', role: 'backend', depends_on: ['ghost'] }] },
      },
    ]);
    await expect(
      decompose(client(), 'x', { runId: 'r3', maxRepairs: 0, maxTasks: 10 }),
    ).rejects.toThrow(/depends on "ghost"/);
    server.setRules([{ match: { role: 'master' }, reply: repaired }]);
    await expect(
      decompose(client(), 'x', { runId: 'r4', maxRepairs: 0, maxTasks: 1 }),
    ).rejects.toThrow(/2 tasks; the limit is 1/);
  });
});
