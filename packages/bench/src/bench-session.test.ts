import { ConfigError } from '@codegod/protocol';
import { describe, expect, it } from 'vitest';
import { benchSession } from './bench-session.js';

describe('benchSession settings', () => {
  const session = (env: NodeJS.ProcessEnv, fleet = false) =>
    benchSession({
      instancesPath: '/nonexistent/instances.jsonl',
      outDir: '/nonexistent/out',
      codegod: [],
      fleet,
      env,
      log: { write: () => true },
    });

  it('rejects a bad VLLM_API_URL or REDIS_URL with one line, before reading any instance', async () => {
    await expect(session({ VLLM_API_URL: 'nope' })).rejects.toThrowError(ConfigError);
    await expect(session({ VLLM_API_URL: 'nope' })).rejects.toThrowError(
      /^Invalid setting llmBaseUrl \(flag --llm-url, environment variable VLLM_API_URL\): .*\(got "nope"\)$/,
    );
    await expect(session({ REDIS_URL: 'localhost:6379' }, true)).rejects.toThrowError(
      /^Invalid setting redisUrl \(environment variable REDIS_URL\): .*\(got "localhost:6379"\)$/,
    );
    await expect(session({}, true)).rejects.toThrowError(/--fleet needs REDIS_URL/);
  });
});
