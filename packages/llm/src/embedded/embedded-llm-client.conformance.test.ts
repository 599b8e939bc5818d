import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { LlmEngineError } from '../errors/llm-engine-error.js';
import { llmClientConformance, ScriptedLocalEngine } from '../testing/index.js';
import { EmbeddedLlmClient } from './embedded-llm-client.js';

llmClientConformance(
  'EmbeddedLlmClient over a scripted engine',
  async (setup) => {
    const engine = new ScriptedLocalEngine(setup.rules, setup.models);
    const client = new EmbeddedLlmClient(engine, {
      sequences: 2,
      timeoutMs: setup.timeoutMs,
      maxRepairs: setup.maxRepairs,
      maxTokens: 512,
      temperature: 0.2,
      model: setup.model,
    });
    return { client, requests: () => engine.requests, close: () => client.close() };
  },
  { http: false },
);

describe('EmbeddedLlmClient', () => {
  const schema = z.object({ confidence: z.number().min(0).max(1), id: z.string().max(4) });

  it('brings a reply within the bounds its grammar could not enforce, on the first attempt', async () => {
    const engine = new ScriptedLocalEngine([{ reply: { confidence: 47e6, id: 'abcdefgh' } }]);
    const client = new EmbeddedLlmClient(engine, {
      sequences: 1,
      timeoutMs: 5000,
      maxRepairs: 0,
      maxTokens: 64,
      temperature: 0,
    });
    const result = await client.generate(schema, [{ role: 'user', content: 'go' }], {
      schemaName: 'bounded',
    });
    expect(result).toMatchObject({ value: { confidence: 1, id: 'abcd' }, attempts: 1 });
  });

  it('turns an engine failure into a one-line LlmEngineError that is not retried', async () => {
    const engine = new ScriptedLocalEngine([{ fault: 'http-500' }]);
    const client = new EmbeddedLlmClient(engine, {
      sequences: 1,
      timeoutMs: 5000,
      maxRepairs: 2,
      maxTokens: 64,
      temperature: 0,
    });
    const error = await client
      .generate(schema, [{ role: 'user', content: 'go' }], { schemaName: 'bounded' })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(LlmEngineError);
    expect(error).toMatchObject({ isRetryable: false, code: 'llm-engine-error' });
    expect((error as Error).message).not.toContain('\n');
    expect(engine.requests).toHaveLength(1);
  });
});
