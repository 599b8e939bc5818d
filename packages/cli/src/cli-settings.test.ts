import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { ConfigError } from '@codegod/protocol';
import { describe, expect, it } from 'vitest';
import { maxReplicas, modelsDir } from './cli-settings.js';

describe('the codegod command settings', () => {
  it('reads CODEGOD_MAX_REPLICAS and CODEGOD_MODELS_DIR, with their defaults', () => {
    expect(maxReplicas({})).toBe(16);
    expect(maxReplicas({ CODEGOD_MAX_REPLICAS: '4' })).toBe(4);
    expect(modelsDir({})).toBe(join(homedir(), '.codegod', 'models'));
    expect(modelsDir({ CODEGOD_MODELS_DIR: ' models ' })).toBe(resolve('models'));
  });

  it('rejects a bad value with one line naming the option and the variable', () => {
    expect(() => maxReplicas({ CODEGOD_MAX_REPLICAS: '0' })).toThrowError(ConfigError);
    expect(() => maxReplicas({ CODEGOD_MAX_REPLICAS: 'lots' })).toThrowError(
      /^Invalid setting maxReplicas \(environment variable CODEGOD_MAX_REPLICAS\): .*\(got "lots"\)$/,
    );
  });
});
