import { decompositionReply } from '@codegod/agents/testing';
import { createLlmClient } from '@codegod/llm';
import { type ScriptedLlmServer, startScriptedLlmServer } from '@codegod/llm/testing';
import { decompose, retryingLlmClient } from '@codegod/orchestrator';
import { CodegodError } from '@codegod/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const graph = decompositionReply([
  {
    id: 'a',
    description: 'a',
    role: 'backend',
    depends_on: [],
    acceptance: [{ type: 'file', path: 'app.py' }],
  },
]);

describe("retryingLlmClient: the master's calls after transient failures (real client, scripted server)", () => {
  let server: ScriptedLlmServer;
  beforeAll(async () => {
    server = await startScriptedLlmServer();
  });
  afterAll(() => server.close());

  const client = (attempts: number, retried: number[] = []) =>
    retryingLlmClient(
      createLlmClient({ baseURL: server.url, model: 'scripted-model', timeoutMs: 5000, env: {} }),
      { attempts, backoffMs: 1, env: {}, onRetry: (_error, attempt) => retried.push(attempt) },
    );
  const options = { runId: 'r1', maxRepairs: 0, maxTasks: 10 };

  it('decomposes after two HTTP 500s, calling three times', async () => {
    server.setRules([
      { match: { phase: 'decompose' }, fault: 'http-500', times: 2 },
      { match: { phase: 'decompose' }, reply: graph },
    ]);
    const before = server.requests.length;
    const retried: number[] = [];
    const result = await decompose(client(3, retried), 'build', options);
    expect(result.graph.tasks.map((t) => t.id)).toEqual(['a']);
    expect(server.requests.length - before).toBe(3);
    expect(retried).toEqual([1, 2]);
  });

  it('gives up after the last call with a message naming the setting, the status said once', async () => {
    server.setRules([{ match: { phase: 'decompose' }, fault: 'http-500' }]);
    const before = server.requests.length;
    const error = await decompose(client(2), 'build', options).catch((e: unknown) => e);
    expect(server.requests.length - before).toBe(2);
    expect(CodegodError.is(error) && error.code).toBe('llm-server-error');
    const message = (error as Error).message;
    expect(message).toMatch(/gave up after 2 calls; CODEGOD_MASTER_LLM_ATTEMPTS sets how many/);
    expect(message.match(/500/g)).toHaveLength(1);
    expect(message).not.toMatch(/task bus/);
  });

  it('does not call again after an error that is not transient', async () => {
    server.setRules([{ match: { phase: 'decompose' }, fault: 'schema-invalid' }]);
    const callsWith = async (attempts: number) => {
      const before = server.requests.length;
      await expect(decompose(client(attempts), 'build', options)).rejects.toThrow(/invalid/);
      return server.requests.length - before;
    };
    // The client's own repairs happen either way; no retry is added on top of them.
    expect(await callsWith(3)).toBe(await callsWith(1));
  });

  it('names the variable when the setting is bad', () => {
    const llm = createLlmClient({ baseURL: server.url, model: 'm', env: {} });
    expect(() => retryingLlmClient(llm, { env: { CODEGOD_MASTER_LLM_ATTEMPTS: 'many' } })).toThrow(
      /CODEGOD_MASTER_LLM_ATTEMPTS.*"many"/,
    );
  });
});
