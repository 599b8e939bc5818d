import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { freePort } from '@codegod/testkit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { buildMessages } from './build-messages.js';
import { createLlmClient } from './create-llm-client.js';
import { LlmAbortedError } from './errors/llm-aborted-error.js';
import { LlmModelNotFoundError } from './errors/llm-model-not-found-error.js';
import { LlmReplyInvalidError } from './errors/llm-reply-invalid-error.js';
import { LlmServerError } from './errors/llm-server-error.js';
import { LlmTimeoutError } from './errors/llm-timeout-error.js';
import { LlmUnavailableError } from './errors/llm-unavailable-error.js';
import { InMemoryTokenMeter } from './in-memory-token-meter.js';
import type { LlmClientOptions } from './llm-client-options.js';
import { toStrictJsonSchema } from './strict-json-schema.js';
import { type ScriptedLlmServer, startScriptedLlmServer } from './testing/index.js';

const planSchema = z.object({
  steps: z.array(z.object({ action: z.string(), target: z.string() })).min(1),
  confidence: z.number().min(0).max(1),
});
const goodPlan = { steps: [{ action: 'write_file', target: 'app.py' }], confidence: 0.8 };
const messages = buildMessages({ system: 'You are the backend agent.', context: 'Plan the task.' });

/** Runs `promise` and returns what it threw (fails the test if it resolved). */
async function thrown(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  return expect.unreachable('expected the call to throw');
}

describe('OpenAiCompatibleLlmClient against the scripted server', () => {
  let server: ScriptedLlmServer;
  let runId: string;
  const client = (options: LlmClientOptions = {}) =>
    createLlmClient({
      baseURL: server.url,
      model: 'scripted-model',
      env: {},
      timeoutMs: 500,
      ...options,
    });
  const call = (options: LlmClientOptions = {}) =>
    client(options).generate(planSchema, messages, {
      schemaName: 'plan',
      role: 'backend',
      phase: 'plan',
      runId,
    });

  beforeAll(async () => {
    server = await startScriptedLlmServer({ rejectUnknownModels: true });
  });
  afterAll(() => server.close());
  beforeEach(() => {
    runId = `run-${randomUUID()}`;
    server.setRules([]);
    server.resetStats();
  });

  it('returns the schema-checked value, sends the role headers and meters usage', async () => {
    server.setRules([
      { match: { role: 'backend', phase: 'plan', schemaName: 'plan' }, reply: goodPlan },
    ]);
    const tokenMeter = new InMemoryTokenMeter();
    const result = await call({ tokenMeter });
    expect(result.value).toEqual(goodPlan);
    expect(result.attempts).toBe(1);
    expect(result.usage.totalTokens).toBeGreaterThan(0);
    expect(server.requests[0]).toMatchObject({
      role: 'backend',
      phase: 'plan',
      runId,
      schemaName: 'plan',
    });
    expect(await tokenMeter.usage(runId)).toEqual({
      total: result.usage.totalTokens,
      by_role: { backend: result.usage.totalTokens },
    });
  });

  it('returns a valid reply before its metering write ends, which `metered` waits for', {
    timeout: 15_000,
  }, async () => {
    server.setRules([{ reply: goodPlan }]);
    const tokenMeter = new InMemoryTokenMeter();
    const record = tokenMeter.record.bind(tokenMeter);
    let release = () => {};
    const held = new Promise<void>((done) => {
      release = done;
    });
    tokenMeter.record = async (usage, labels) => {
      await held;
      await record(usage, labels);
    };
    const result = await call({ tokenMeter });
    expect(result.value).toEqual(goodPlan);
    expect((await tokenMeter.usage(runId)).total).toBe(0);
    release();
    await result.metered;
    expect((await tokenMeter.usage(runId)).total).toBe(result.usage.totalTokens);
  });

  it('a metering write that fails neither fails the call nor rejects `metered`', async () => {
    server.setRules([{ reply: goodPlan }]);
    const failing = new InMemoryTokenMeter();
    failing.record = async () => {
      throw new Error('metrics store down');
    };
    const result = await call({ tokenMeter: failing });
    expect(result.value).toEqual(goodPlan);
    await expect(result.metered).resolves.toBeUndefined();
    const throwing = new InMemoryTokenMeter();
    throwing.record = () => {
      throw new Error('thrown before any promise');
    };
    await expect((await call({ tokenMeter: throwing })).metered).resolves.toBeUndefined();
  });

  it('sends response_format json_schema with strict true and no guided_json', async () => {
    await call();
    const body = server.requests[0]!.body as Record<string, unknown>;
    expect(body.response_format).toEqual({
      type: 'json_schema',
      json_schema: { name: 'plan', schema: toStrictJsonSchema(planSchema), strict: true },
    });
    expect(JSON.stringify(body)).not.toContain('guided_json');
    expect(body.model).toBe('scripted-model');
  });

  it('gives LlmServerError (retryable) on HTTP 500, sending the request once', async () => {
    server.setRules([{ fault: 'http-500' }]);
    const error = await thrown(call());
    expect(error).toBeInstanceOf(LlmServerError);
    expect((error as LlmServerError).isRetryable).toBe(true);
    expect((error as LlmServerError).status).toBe(500);
    expect(server.requests).toHaveLength(1);
  });

  it('gives LlmTimeoutError (retryable) when the server hangs', { timeout: 10_000 }, async () => {
    server.setRules([{ fault: 'hang' }]);
    const error = await thrown(call({ timeoutMs: 500 }));
    expect(error).toBeInstanceOf(LlmTimeoutError);
    expect((error as LlmTimeoutError).isRetryable).toBe(true);
    expect((error as Error).message).toContain('500 ms');
    expect(server.requests).toHaveLength(1);
  });

  it('gives LlmAbortedError when the caller aborts', { timeout: 10_000 }, async () => {
    server.setRules([{ fault: 'hang' }]);
    const controller = new AbortController();
    const pending = client({ timeoutMs: 30_000 }).generate(planSchema, messages, {
      schemaName: 'plan',
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 100);
    expect(await thrown(pending)).toBeInstanceOf(LlmAbortedError);
  });

  it('gives LlmAbortedError when aborted while waiting for a concurrency slot', {
    timeout: 10_000,
  }, async () => {
    server.setRules([{ fault: 'hang' }]);
    const shared = client({ maxConcurrency: 1, timeoutMs: 1000 });
    const first = shared
      .generate(planSchema, messages, { schemaName: 'plan' })
      .catch((e: unknown) => e);
    const controller = new AbortController();
    const waiting = shared.generate(planSchema, messages, {
      schemaName: 'plan',
      signal: controller.signal,
    });
    controller.abort();
    expect(await thrown(waiting)).toBeInstanceOf(LlmAbortedError);
    expect(await first).toBeInstanceOf(LlmTimeoutError);
    expect(server.requests).toHaveLength(1);
  });

  it.each(['invalid-json', 'schema-invalid', 'length'] as const)(
    'repairs a %s reply on the second attempt, summing usage',
    async (fault) => {
      server.setRules([{ fault, times: 1, reply: goodPlan }, { reply: goodPlan }]);
      const result = await call();
      expect(result).toMatchObject({ value: goodPlan, attempts: 2 });
      expect(server.requests).toHaveLength(2);
      const reask = server.requests[1]!.messages;
      expect(reask.slice(0, messages.length)).toEqual(messages);
      expect(reask.at(-2)!.role).toBe('assistant');
      expect(reask.at(-1)).toMatchObject({ role: 'user' });
      expect(reask.at(-1)!.content).toContain('"plan"');
      const body = server.requests[1]!.body as { messages: unknown[] };
      expect(body.messages).toHaveLength(messages.length + 2);
      expect(result.usage.promptTokens).toBeGreaterThan(0);
    },
  );

  it('detects llama.cpp from /v1/models, sends its dialect and clamps what it could not be told', async () => {
    const llamaCpp = await startScriptedLlmServer({
      ownedBy: 'llamacpp',
      rules: [{ reply: { ...goodPlan, confidence: 47e6 } }],
    });
    try {
      const generate = (env: Record<string, string>) =>
        createLlmClient({ baseURL: llamaCpp.url, model: 'scripted-model', env }).generate(
          planSchema,
          messages,
          { schemaName: 'plan' },
        );
      const confidenceSent = () => {
        const body = llamaCpp.requests.at(-1)!.body as {
          response_format: { json_schema: { schema: { properties: { confidence: unknown } } } };
        };
        return body.response_format.json_schema.schema.properties.confidence;
      };
      // llama.cpp drops minimum/maximum on numbers: they are not sent, and 47e6 is clamped.
      const result = await generate({});
      expect(result).toMatchObject({ value: { ...goodPlan, confidence: 1 }, attempts: 1 });
      expect(confidenceSent()).toEqual({ type: 'number' });
      // LLM_SERVER_KIND wins over detection: vLLM is sent the bounds.
      await generate({ LLM_SERVER_KIND: 'vllm' });
      expect(confidenceSent()).toEqual({ type: 'number', minimum: 0, maximum: 1 });
    } finally {
      await llamaCpp.close();
    }
  });

  it('re-asks only for the fields that were invalid, keeping the rest of the reply', async () => {
    const noSteps = { ...goodPlan, steps: [] };
    const steps = [{ action: 'read_file', target: 'app.py' }];
    server.setRules([{ reply: noSteps, times: 1 }, { reply: { steps } }]);
    const result = await call();
    expect(result).toMatchObject({ value: { ...goodPlan, steps }, attempts: 2 });
    const [first, repair] = server.requests;
    const sent = (request: typeof first) =>
      (request!.body as { response_format: { json_schema: { schema: { required: string[] } } } })
        .response_format.json_schema.schema;
    expect(sent(first).required).toEqual(['steps', 'confidence']);
    // The repair's schema, and its message, ask for `steps` alone.
    expect(sent(repair).required).toEqual(['steps']);
    expect(repair!.messages.at(-1)!.content).toMatch(/^- steps: /m);
    expect(repair!.messages.at(-1)!.content).toContain(
      'Reply with only a JSON object holding the corrected "steps"',
    );
  });

  it.each(['invalid-json', 'schema-invalid', 'length'] as const)(
    'gives LlmReplyInvalidError (not retryable) with the raw reply when %s persists',
    async (fault) => {
      server.setRules([{ fault, reply: goodPlan }]);
      const tokenMeter = new InMemoryTokenMeter();
      const error = await thrown(call({ maxRepairs: 2, tokenMeter }));
      expect(error).toBeInstanceOf(LlmReplyInvalidError);
      const invalid = error as LlmReplyInvalidError;
      expect(invalid.isRetryable).toBe(false);
      expect(invalid.attempts).toBe(3);
      expect(server.requests).toHaveLength(3);
      const last = server.requests[2]!.messages;
      expect(last).toHaveLength(messages.length + 4);
      expect(last.at(-2)!.content).toBe(invalid.rawReply);
      expect(last.at(-1)!.content).toContain(invalid.issues[0]!);
      if (fault === 'schema-invalid') expect(invalid.rawReply).toBe('[]');
      if (fault === 'length') expect(invalid.issues[0]).toContain('cut off');
      expect((await tokenMeter.usage(runId)).total).toBeGreaterThan(0);
    },
  );

  it('gives LlmModelNotFoundError (not retryable) for a model the server does not serve', async () => {
    const error = await thrown(call({ model: `missing-${randomUUID()}` }));
    expect(error).toBeInstanceOf(LlmModelNotFoundError);
    expect((error as LlmModelNotFoundError).isRetryable).toBe(false);
    expect((error as Error).message).toContain('LLM_MODEL');
  });

  it('overlaps N concurrent calls when maxConcurrency >= N', { timeout: 20_000 }, async () => {
    server.setRules([{ reply: goodPlan, latencyMs: 800 }]);
    const shared = client({ maxConcurrency: 8, timeoutMs: 10_000 });
    const calls = Array.from({ length: 5 }, () =>
      shared.generate(planSchema, messages, { schemaName: 'plan' }),
    );
    await Promise.all(calls);
    expect(server.peakInFlight).toBe(5);
  });

  it('keeps at most maxConcurrency calls in flight', { timeout: 20_000 }, async () => {
    server.setRules([{ reply: goodPlan, latencyMs: 300 }]);
    const shared = client({ maxConcurrency: 2, timeoutMs: 10_000 });
    const calls = Array.from({ length: 6 }, () =>
      shared.generate(planSchema, messages, { schemaName: 'plan' }),
    );
    await Promise.all(calls);
    expect(server.requests).toHaveLength(6);
    expect(server.peakInFlight).toBe(2);
  });

  it('sends two calls of one role with a byte-identical prompt prefix', async () => {
    const layout = { system: 'You are the backend agent.', catalogue: 'Actions: write_file, run' };
    const shared = client();
    for (const context of ['Task: add /health', 'Task: add /users'])
      await shared.generate(planSchema, buildMessages({ ...layout, context }), {
        schemaName: 'plan',
        role: 'backend',
      });
    const [first, second] = server.requests.map(
      (request) => (request.body as { messages: unknown[] }).messages,
    );
    expect(JSON.stringify(first!.slice(0, -1))).toBe(JSON.stringify(second!.slice(0, -1)));
    expect(JSON.stringify(first!.at(-1))).not.toBe(JSON.stringify(second!.at(-1)));
  });

  it('health is ok when the server lists the model', async () => {
    expect(await client().health()).toEqual({
      ok: true,
      models: ['scripted-model'],
      message: expect.stringContaining('scripted-model'),
    });
  });

  it('health says when the base URL is not the /v1 root', async () => {
    const health = await client({ baseURL: server.url.replace(/\/v1$/, '/api') }).health();
    expect(health.ok).toBe(false);
    expect(health.message).toContain('answered 404');
  });

  it('health names the served models when the configured one is missing', async () => {
    const several = await startScriptedLlmServer({ models: ['qwen-1.5b', 'qwen-7b'] });
    try {
      const health = await client({ baseURL: several.url, model: 'llama-70b' }).health();
      expect(health.ok).toBe(false);
      expect(health.models).toEqual(['qwen-1.5b', 'qwen-7b']);
      expect(health.message).toContain('"llama-70b"');
      expect(health.message).toContain('"qwen-1.5b"');
      expect(health.message).toContain('LLM_MODEL');
    } finally {
      await several.close();
    }
  });

  it('accepts a server that serves one model under another name, with a warning, and uses it', async () => {
    // llama-server names its one model after the file and (like vLLM here) 404s other names.
    const single = await startScriptedLlmServer({
      models: ['tiny-random.gguf'],
      rejectUnknownModels: true,
    });
    try {
      single.setRules([{ reply: goodPlan }]);
      const tiny = client({ baseURL: single.url, model: 'tiny' });
      const health = await tiny.health();
      expect(health).toMatchObject({ ok: true, models: ['tiny-random.gguf'] });
      expect(health.warning).toMatch(/serves one model, "tiny-random.gguf", not "tiny".*LLM_MODEL/);
      await tiny.generate(planSchema, messages, { schemaName: 'plan' });
      expect((single.requests[0]!.body as { model: string }).model).toBe('tiny-random.gguf');
    } finally {
      await single.close();
    }
  });
});

describe('OpenAiCompatibleLlmClient without a working server', () => {
  let silent: Server;
  let silentUrl: string;

  beforeAll(async () => {
    // Accepts connections and never answers, to time health() out.
    silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    silentUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/v1`;
  });
  afterAll(async () => {
    silent.closeAllConnections();
    await new Promise((resolve) => silent.close(resolve));
  });

  it('gives LlmUnavailableError (retryable) on a closed port', { timeout: 10_000 }, async () => {
    const baseURL = `http://127.0.0.1:${await freePort()}/v1`;
    const llm = createLlmClient({ baseURL, env: {}, timeoutMs: 5000 });
    const error = await thrown(llm.generate(planSchema, messages, { schemaName: 'plan' }));
    expect(error).toBeInstanceOf(LlmUnavailableError);
    expect((error as LlmUnavailableError).isRetryable).toBe(true);
    expect((error as Error).message).toContain(baseURL);
    expect((error as Error).message).toContain('VLLM_API_URL');
  });

  it('health reports a closed port without throwing', { timeout: 10_000 }, async () => {
    const baseURL = `http://127.0.0.1:${await freePort()}/v1`;
    const health = await createLlmClient({ baseURL, env: {} }).health();
    expect(health).toMatchObject({ ok: false, models: [] });
    expect(health.message).toContain('Is vLLM running there? Set VLLM_API_URL');
  });

  it('health reports a server that does not answer in time', { timeout: 10_000 }, async () => {
    const health = await createLlmClient({
      baseURL: silentUrl,
      env: {},
      healthTimeoutMs: 300,
    }).health();
    expect(health).toMatchObject({ ok: false, models: [] });
    expect(health.message).toContain('did not answer within 300 ms');
  });
});
