import { ConfigError } from '@codegod/protocol';
import { describe, expect, it } from 'vitest';
import { resolveLlmClientOptions } from './llm-client-options.js';

describe('resolveLlmClientOptions', () => {
  it('applies defaults when neither option nor env is set', () => {
    const options = resolveLlmClientOptions({ env: {} });
    expect(options).toMatchObject({
      baseURL: 'http://localhost:8000/v1',
      apiKey: 'EMPTY',
      timeoutMs: 120_000,
      maxConcurrency: 8,
      maxRepairs: 2,
      maxReplyBytes: 4_194_304,
      serverKind: 'auto',
    });
    expect(resolveLlmClientOptions({ env: { LLM_SERVER_KIND: ' Llama.cpp ' } }).serverKind).toBe(
      'llama.cpp',
    );
    expect(resolveLlmClientOptions({ env: { LLM_MAX_REPLY_BYTES: '65536' } }).maxReplyBytes).toBe(
      65_536,
    );
  });

  it('reads env vars, and options win over them', () => {
    const env = {
      VLLM_API_URL: 'http://gpu:8000/v1',
      LLM_MODEL: 'env-model',
      LLM_MAX_CONCURRENCY: '3',
    };
    expect(resolveLlmClientOptions({ env })).toMatchObject({
      baseURL: 'http://gpu:8000/v1',
      model: 'env-model',
      maxConcurrency: 3,
    });
    expect(resolveLlmClientOptions({ env, model: 'mine' }).model).toBe('mine');
  });

  it.each([
    [{ baseURL: 'localhost:8000' }, 'baseURL', 'VLLM_API_URL'],
    [{ timeoutMs: 0 }, 'timeoutMs', 'LLM_TIMEOUT_MS'],
    [{ maxConcurrency: 1.5 }, 'maxConcurrency', 'LLM_MAX_CONCURRENCY'],
    [{ maxRepairs: -1 }, 'maxRepairs', 'LLM_MAX_REPAIRS'],
    [{ temperature: 3 }, 'temperature', 'LLM_TEMPERATURE'],
    [{ env: { LLM_MAX_TOKENS: 'lots' } }, 'maxTokens', 'LLM_MAX_TOKENS'],
    [{ env: { LLM_MAX_REPLY_BYTES: '10' } }, 'maxReplyBytes', 'LLM_MAX_REPLY_BYTES'],
    [{ env: { LLM_SERVER_KIND: 'tgi' } }, 'serverKind', 'LLM_SERVER_KIND'],
  ])('rejects %j naming %s and %s', (options, option, envVar) => {
    try {
      resolveLlmClientOptions({ env: {}, ...options });
      expect.unreachable('should have thrown');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).option).toBe(option);
      expect((error as Error).message).toContain(envVar);
    }
  });
});
