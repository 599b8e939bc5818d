import { ConfigError } from '@codegod/protocol';
import { describe, expect, it } from 'vitest';
import { loadConfig, logLevelBeforeConfig } from './settings.js';

describe('loadConfig', () => {
  it('applies defaults when nothing is set', () => {
    const config = loadConfig({});
    expect(config).toEqual({
      agentRole: undefined,
      llmBaseUrl: 'http://localhost:8000/v1',
      llmModel: 'meta-llama/Meta-Llama-3.1-8B-Instruct',
      llmApiKey: 'EMPTY',
      redisUrl: undefined,
      logLevel: 'info',
    });
  });

  it('reads the seed variables', () => {
    const config = loadConfig({
      AGENT_ROLE: 'backend',
      VLLM_API_URL: 'http://vllm-server:8000/v1',
      LLM_MODEL: 'qwen',
      REDIS_URL: 'redis://redis:6379',
      LOG_LEVEL: 'debug',
    });
    expect(config.agentRole).toBe('backend');
    expect(config.redisUrl).toBe('redis://redis:6379');
    expect(config.llmModel).toBe('qwen');
  });

  it('names the option and the environment variable in errors', () => {
    expect(() => loadConfig({ AGENT_ROLE: 'wizard' })).toThrowError(/agentRole.*AGENT_ROLE/);
    expect(() => loadConfig({ REDIS_URL: 'localhost:6379' })).toThrowError(
      /redisUrl.*REDIS_URL.*redis:\/\//,
    );
    expect(() => loadConfig({ LOG_LEVEL: 'loud' })).toThrowError(ConfigError);
    try {
      loadConfig({ VLLM_API_URL: 'nope' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).envVar).toBe('VLLM_API_URL');
      expect((error as ConfigError).option).toBe('llmBaseUrl');
    }
  });

  it('lets overrides win over the environment', () => {
    expect(loadConfig({ LLM_MODEL: 'a' }, { llmModel: 'b' }).llmModel).toBe('b');
  });

  it('gives the services a log level before config, and leaves a bad one to loadConfig', () => {
    expect(logLevelBeforeConfig({ LOG_LEVEL: 'debug' })).toBe('debug');
    expect(logLevelBeforeConfig({ LOG_LEVEL: '' })).toBe('info');
    expect(logLevelBeforeConfig({ LOG_LEVEL: 'loud' })).toBe('info');
    expect(() => loadConfig({ LOG_LEVEL: 'loud' })).toThrowError(
      /^Invalid setting logLevel \(environment variable LOG_LEVEL\): .*\(got "loud"\)$/,
    );
  });
});
