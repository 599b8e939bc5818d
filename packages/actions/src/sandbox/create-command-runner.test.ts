import { describe, expect, it } from 'vitest';
import { backendToolkit } from '../roles/backend/toolkit.js';
import { createCommandRunner } from './create-command-runner.js';
import { runBubblewrapProbe } from './runners/bubblewrap-probe.js';

const noBwrap = () => ({ ok: false as const, problem: 'bwrap is not installed' });

describe('createCommandRunner', () => {
  it('picks the runner CODEGOD_SANDBOX or the option names; the option wins', () => {
    expect(createCommandRunner({ env: { CODEGOD_SANDBOX: 'none' } }).kind).toBe('none');
    expect(createCommandRunner({ sandbox: 'NONE', env: {} }).kind).toBe('none');
    const container = createCommandRunner({
      sandbox: 'container',
      env: { CODEGOD_SANDBOX: 'none' },
      detectContainer: () => '/.dockerenv exists',
    });
    expect(container.kind).toBe('container');
  });

  it('refuses, in one line, when bubblewrap cannot work: no silent fallback to none', () => {
    for (const sandbox of ['auto', 'bubblewrap', undefined]) {
      const make = () =>
        createCommandRunner({ ...(sandbox ? { sandbox } : {}), env: {}, probeBubblewrap: noBwrap });
      expect(make).toThrowError(
        expect.objectContaining({
          code: 'sandbox-unavailable',
          message:
            'Commands are refused: bwrap is not installed, so they cannot be confined. Install bubblewrap (apt-get install bubblewrap), or run them unconfined with --sandbox none / CODEGOD_SANDBOX=none.',
        }),
      );
    }
  });

  it('finds no bwrap on a PATH without it', () => {
    expect(runBubblewrapProbe('/nonexistent')).toEqual({
      ok: false,
      problem: 'bwrap is not installed',
    });
  });

  it('rejects unknown kinds and bad limits, naming the flag and the variables', () => {
    expect(() => createCommandRunner({ sandbox: 'docker', env: {} })).toThrowError(
      'Invalid setting sandbox (environment variable CODEGOD_SANDBOX): expected one of auto, bubblewrap, container, none (got "docker"); codegod build takes it as --sandbox <kind>',
    );
    expect(() =>
      createCommandRunner({ sandbox: 'none', env: { CODEGOD_SANDBOX_MEMORY_MB: 'lots' } }),
    ).toThrowError(/memoryMb \(environment variable CODEGOD_SANDBOX_MEMORY_MB\)/);
  });

  it('makes toolkits fail when they are built, not mid-task, and records their kind', () => {
    expect(() => backendToolkit({ env: { CODEGOD_SANDBOX: 'docker' } })).toThrowError(
      expect.objectContaining({ code: 'config-invalid' }),
    );
    expect(backendToolkit({ sandbox: 'none' }).sandbox).toBe('none');
  });
});
