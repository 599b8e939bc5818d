import { ConfigError } from '@codegod/protocol';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { InMemoryTokenMeter } from '../in-memory-token-meter.js';
import { llmClientConformance } from './llm-client-conformance.js';
import { ScriptedLlmClient } from './scripted-llm-client.js';

llmClientConformance('ScriptedLlmClient', async (setup) => {
  const client = new ScriptedLlmClient(setup);
  return { client, requests: () => client.requests, close: async () => {} };
});

const answerSchema = z.object({ answer: z.string() });
const messages = [{ role: 'user' as const, content: 'Say hi.' }];

describe('ScriptedLlmClient', () => {
  it('restarts `times` counters on setRules and empties requests on resetStats', async () => {
    const client = new ScriptedLlmClient({ rules: [{ reply: { answer: 'once' }, times: 1 }] });
    const ask = async () =>
      (await client.generate(answerSchema, messages, { schemaName: 'answer' })).value.answer;
    expect(await ask()).toBe('once');
    expect(await ask()).toBe('');
    client.setRules([{ reply: { answer: 'again' }, times: 1 }]);
    expect(await ask()).toBe('again');
    expect(client.requests).toHaveLength(3);
    client.resetStats();
    expect(client.requests).toHaveLength(0);
  });

  it('records the body the adapter would send', async () => {
    const client = new ScriptedLlmClient({ model: 'm', models: ['m'] });
    await client.generate(answerSchema, messages, { schemaName: 'answer', maxTokens: 64 });
    expect(client.requests[0]!.body).toMatchObject({
      model: 'm',
      messages,
      max_tokens: 64,
      response_format: { type: 'json_schema', json_schema: { name: 'answer', strict: true } },
    });
  });

  it('keeps at most maxConcurrency requests in flight', async () => {
    const client = new ScriptedLlmClient({
      maxConcurrency: 2,
      rules: [{ reply: { answer: 'slow' }, latencyMs: 20 }],
    });
    await Promise.all(
      Array.from({ length: 5 }, () =>
        client.generate(answerSchema, messages, { schemaName: 'answer' }),
      ),
    );
    expect(client.requests).toHaveLength(5);
    expect(client.peakInFlight).toBe(2);
  });

  it('meters the usage of every attempt, failed calls included', async () => {
    const tokenMeter = new InMemoryTokenMeter();
    const client = new ScriptedLlmClient({
      tokenMeter,
      maxRepairs: 0,
      rules: [{ fault: 'invalid-json' }],
    });
    await expect(
      client.generate(answerSchema, messages, { schemaName: 'answer', runId: 'run-1' }),
    ).rejects.toMatchObject({ code: 'llm-reply-invalid' });
    expect((await tokenMeter.usage('run-1')).total).toBeGreaterThan(0);
  });

  it.each([
    ['trickle', 'llm-timeout'],
    ['html', 'llm-server-error'],
    ['text-plain', 'llm-server-error'],
    ['not-json', 'llm-server-error'],
    ['broken-chunking', 'llm-server-error'],
    ['huge-reply', 'llm-reply-too-large'],
    ['deep-nesting', 'llm-reply-invalid'],
  ] as const)(
    'answers the %s fault with the error the adapter raises (%s)',
    async (fault, code) => {
      const client = new ScriptedLlmClient({ timeoutMs: 50, maxRepairs: 0, rules: [{ fault }] });
      await expect(
        client.generate(answerSchema, messages, { schemaName: 'answer' }),
      ).rejects.toMatchObject({ code });
    },
  );

  it('ignores the negative usage the negative-usage fault reports', async () => {
    const client = new ScriptedLlmClient({ rules: [{ fault: 'negative-usage' }] });
    const result = await client.generate(answerSchema, messages, { schemaName: 'answer' });
    expect(result.usage).toEqual({ promptTokens: 0, completionTokens: 0, totalTokens: 0 });
  });

  it('rejects a bad setting at construction, naming the option', () => {
    expect(() => new ScriptedLlmClient({ timeoutMs: 0 })).toThrow(ConfigError);
    expect(() => new ScriptedLlmClient({ maxRepairs: -1 })).toThrow(/maxRepairs/);
  });
});
