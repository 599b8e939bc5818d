import { describe, expect, it } from 'vitest';
import { childEnv, makeRedactor } from './child-env.js';

describe('childEnv', () => {
  it('passes PATH, pip, Python and npm settings through and drops the rest', () => {
    const env = childEnv(
      {
        PATH: '/bin',
        HOME: '/root',
        PIP_FIND_LINKS: '/wheels',
        PIP_INDEX_URL: 'https://u:p@pypi.example/simple',
        PYTHONDONTWRITEBYTECODE: '1',
        npm_config_registry: 'http://registry.example',
        OPENAI_API_KEY: 'sk-1',
        REDIS_URL: 'redis://x',
        EXTRA: 'y',
      },
      ['EXTRA'],
    );
    expect(Object.keys(env).sort()).toEqual([
      'EXTRA',
      'HOME',
      'PATH',
      'PIP_FIND_LINKS',
      'PIP_INDEX_URL',
      'PYTHONDONTWRITEBYTECODE',
      'npm_config_registry',
    ]);
  });
});

describe('makeRedactor', () => {
  it('hides secret values and URL credentials', () => {
    const redact = makeRedactor({
      GITHUB_TOKEN: 'ghp_abcdef',
      npm_config__authToken: 'npm-tok-1',
      PATH: '/usr/bin',
    });
    expect(redact('token ghp_abcdef and npm-tok-1 on /usr/bin')).toBe(
      'token [redacted] and [redacted] on /usr/bin',
    );
    expect(redact('Looking in indexes: https://user:pw@pypi.example/simple')).toBe(
      'Looking in indexes: https://[redacted]@pypi.example/simple',
    );
  });

  it('stays linear on a capped 1 MiB of letters (the URL rule used to be quadratic)', () => {
    // Before the fix this took minutes (a worker stopped heartbeating); the test timeout catches it.
    const redact = makeRedactor({});
    const letters = 'x'.repeat(1024 * 1024);
    expect(redact(letters)).toBe(letters);
    expect(redact(`${'a'.repeat(100)}+ssh://user:pw@host`)).toBe(
      `${'a'.repeat(100)}+ssh://[redacted]@host`,
    );
  });
});
