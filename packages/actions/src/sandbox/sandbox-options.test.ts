import { ConfigError } from '@codegod/protocol';
import { describe, expect, it } from 'vitest';
import { resolveSandboxOptions } from './sandbox-options.js';

describe('resolveSandboxOptions', () => {
  const base = { workspace: process.cwd(), allowlist: ['node'], env: {} };

  it('applies defaults, then the environment, then the options', () => {
    expect(resolveSandboxOptions(base)).toMatchObject({
      timeoutMs: 120_000,
      maxOutputBytes: 262_144,
    });
    const fromEnv = resolveSandboxOptions({ ...base, env: { CODEGOD_COMMAND_TIMEOUT_MS: '5000' } });
    expect(fromEnv.timeoutMs).toBe(5000);
    expect(resolveSandboxOptions({ ...base, timeoutMs: 7 }).timeoutMs).toBe(7);
  });

  it('rejects bad values naming the option and the variable', () => {
    expect(() => resolveSandboxOptions({ ...base, timeoutMs: 0 })).toThrowError(
      /timeoutMs.*CODEGOD_COMMAND_TIMEOUT_MS/,
    );
    expect(() =>
      resolveSandboxOptions({ ...base, env: { CODEGOD_MAX_OUTPUT_BYTES: 'lots' } }),
    ).toThrowError(/maxOutputBytes.*CODEGOD_MAX_OUTPUT_BYTES/);
    expect(() => resolveSandboxOptions({ ...base, workspace: 'relative' })).toThrowError(
      ConfigError,
    );
    expect(() => resolveSandboxOptions({ ...base, workspace: '/no/such/dir' })).toThrowError(
      /workspace/,
    );
  });
});
