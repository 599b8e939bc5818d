import { join } from 'node:path';
import { tempDir, writeTinyLlamaGguf } from '@codegod/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { LlmAbortedError } from '../errors/llm-aborted-error.js';
import { LlmReplyInvalidError } from '../errors/llm-reply-invalid-error.js';
import { LlmTimeoutError } from '../errors/llm-timeout-error.js';
import { InMemoryTokenMeter } from '../in-memory-token-meter.js';
import { createEmbeddedLlmClient } from './create-embedded-llm-client.js';
import type { EmbeddedLlmClient } from './embedded-llm-client.js';

// Loading llama.cpp takes seconds on a busy machine: one model for the whole file.
const LOAD_GUARD_MS = 120_000;

const checkSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('file'), path: z.string(), content_regex: z.string().nullable() }),
  z.object({
    type: z.literal('command'),
    argv: z.array(z.string()).min(1),
    exit_code: z.number().int().nullable(),
  }),
]);
const planSchema = z.object({
  title: z.string(),
  steps: z.array(z.object({ action: z.enum(['write_file', 'run_command']), target: z.string() })),
  checks: z.array(checkSchema).min(1),
  confidence: z.number().min(0).max(1),
});
const messages = [
  { role: 'system' as const, content: 'You are the backend agent. Reply with a plan.' },
  { role: 'user' as const, content: 'Add a /health route to app.py.' },
];

describe('NodeLlamaCppEngine on the tiny test model', { timeout: LOAD_GUARD_MS }, () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let client: EmbeddedLlmClient;
  const meter = new InMemoryTokenMeter();

  beforeAll(async () => {
    dir = await tempDir('codegod-engine-');
    const modelPath = await writeTinyLlamaGguf(join(dir.path, 'tiny.gguf'));
    client = createEmbeddedLlmClient({ modelPath, threads: 1, tokenMeter: meter, env: {} });
  }, LOAD_GUARD_MS);
  afterAll(async () => {
    await client?.close();
    await dir?.remove();
  });

  it('loads the model and names it after its file', async () => {
    const health = await client.health();
    expect(health).toMatchObject({ ok: true, models: ['tiny'] });
    expect(health.message).toContain('tiny.gguf');
  });

  it('answers under the schema grammar on the first attempt, with the tokens counted', async () => {
    const result = await client.generate(planSchema, messages, { schemaName: 'plan', runId: 'r1' });
    expect(result.attempts).toBe(1);
    expect(planSchema.parse(result.value)).toEqual(result.value);
    expect(result.usage.promptTokens).toBeGreaterThan(JSON.stringify(messages).length / 2);
    expect(result.usage.completionTokens).toBeGreaterThan(10);
    expect(result.usage.totalTokens).toBe(
      result.usage.promptTokens + result.usage.completionTokens,
    );
    expect(await meter.usage('r1')).toEqual({
      total: result.usage.totalTokens,
      by_role: { unknown: result.usage.totalTokens },
    });
  });

  it('reuses its context sequences: more calls at once than sequences all get answers', async () => {
    const calls = Array.from({ length: 3 }, () =>
      client.generate(planSchema, messages, { schemaName: 'plan' }),
    );
    for (const result of await Promise.all(calls)) expect(result.attempts).toBe(1);
  });

  it('re-asks a reply cut off at maxTokens, then gives LlmReplyInvalidError', async () => {
    const error = await client
      .generate(planSchema, messages, { schemaName: 'plan', maxTokens: 5 })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(LlmReplyInvalidError);
    expect((error as LlmReplyInvalidError).attempts).toBe(3);
    expect((error as LlmReplyInvalidError).issues[0]).toContain('cut off');
  });

  it('gives LlmAbortedError when the caller cancels', async () => {
    const controller = new AbortController();
    const pending = client.generate(planSchema, messages, {
      schemaName: 'plan',
      signal: controller.signal,
    });
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(LlmAbortedError);
  });

  it('gives LlmTimeoutError when a generation outlasts LLM_TIMEOUT_MS', async () => {
    const slow = createEmbeddedLlmClient({
      modelPath: join(dir.path, 'tiny.gguf'),
      threads: 1,
      timeoutMs: 1,
      env: {},
    });
    try {
      await slow.health();
      const error = await slow
        .generate(planSchema, messages, { schemaName: 'plan' })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(LlmTimeoutError);
      expect((error as Error).message).toContain('LLM_TIMEOUT_MS');
    } finally {
      await slow.close();
    }
  });

  it('says what to do when the model file is missing', async () => {
    const missing = createEmbeddedLlmClient({ modelPath: join(dir.path, 'nope.gguf'), env: {} });
    const health = await missing.health();
    expect(health.ok).toBe(false);
    expect(health.message).toMatch(
      /No model file at .*nope\.gguf.*LLM_MODEL_PATH.*codegod models pull/,
    );
  });
});
