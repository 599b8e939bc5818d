import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@codegod/protocol';
import { describe, expect, it } from 'vitest';
import { FLEET_SETTINGS } from './fleet-settings.js';
import { openFleetRuntime } from './open-fleet-runtime.js';

describe('FLEET_SETTINGS', () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'codegod-fleet-settings-'));
  const open = (environment: Record<string, string>) =>
    openFleetRuntime({
      root: stateDir,
      environment: { CODEGOD_STATE_DIR: stateDir, ...environment },
    });

  it('forces the runtime CODEGOD_RUNTIME names', () => {
    expect(open({ CODEGOD_RUNTIME: 'local' }).kind).toBe('local');
    expect(open({ CODEGOD_RUNTIME: 'docker' }).kind).toBe('docker');
  });

  it('rejects a bad value with one line naming the option and the variable', () => {
    expect(() => open({ CODEGOD_RUNTIME: 'podman' })).toThrowError(ConfigError);
    expect(() => open({ CODEGOD_RUNTIME: 'podman' })).toThrowError(
      /^Invalid setting runtime \(environment variable CODEGOD_RUNTIME\): .*\(got "podman"\)$/,
    );
    expect(() => FLEET_SETTINGS.resolve({}, { CODEGOD_REDIS_PORT: 'six' })).toThrowError(
      /^Invalid setting redisPort \(environment variable CODEGOD_REDIS_PORT\): .*\(got "six"\)$/,
    );
    expect(FLEET_SETTINGS.resolve({}, { CODEGOD_REDIS_PORT: '6390' }).redisPort).toBe(6390);
  });
});
