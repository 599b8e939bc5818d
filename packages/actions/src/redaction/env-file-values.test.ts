import { describe, expect, it } from 'vitest';
import {
  envFileSecretValues,
  isEnvFileName,
  isSecretEnvValue,
  parseEnvFile,
} from './env-file-values.js';

describe('parseEnvFile', () => {
  it('reads export prefixes, comments, quotes and multi-line values as dotenv does', () => {
    const text = [
      '# a comment line',
      'PLAIN=value1 # trailing comment',
      'export EXPORTED=exp-value',
      "SINGLE='single # not a comment'",
      'DOUBLE="double \\"quoted\\" text" # comment',
      'BACKTICK=`tick value`',
      'MULTI="line one',
      'line two"',
      'EXPANDED="a\\nb"',
      '  SPACED = spaced value  ',
      'COLON: colon-value',
      'not an entry',
      'EMPTY=',
      '',
    ].join('\r\n');
    expect(parseEnvFile(text)).toEqual([
      { name: 'PLAIN', value: 'value1' },
      { name: 'EXPORTED', value: 'exp-value' },
      { name: 'SINGLE', value: 'single # not a comment' },
      { name: 'DOUBLE', value: 'double "quoted" text' },
      { name: 'BACKTICK', value: 'tick value' },
      { name: 'MULTI', value: 'line one\nline two' },
      { name: 'EXPANDED', value: 'a\nb' },
      { name: 'SPACED', value: 'spaced value' },
      { name: 'COLON', value: 'colon-value' },
      { name: 'EMPTY', value: '' },
    ]);
  });

  it('stops an unclosed quote after a bounded number of lines', () => {
    const text = `A="never closed\n${'x\n'.repeat(1000)}B=after`;
    const entries = parseEnvFile(text);
    expect(entries[0]!.value.split('\n')).toHaveLength(201);
    expect(entries.at(-1)).toEqual({ name: 'B', value: 'after' });
  });
});

describe('isSecretEnvValue', () => {
  it('counts secret-named values from 4 characters, and other values that are not plain', () => {
    expect(isSecretEnvValue('API_KEY', 'abcd')).toBe(true);
    expect(isSecretEnvValue('DB_PASSWORD', 'hunter')).toBe(true);
    expect(isSecretEnvValue('STRIPE_SECRET', 'changeme')).toBe(true);
    expect(isSecretEnvValue('DATABASE_URL', 'postgres://app:pw@db/app')).toBe(true);
    expect(isSecretEnvValue('SIGNING', 'Zx81kQ0pLm')).toBe(true);
    expect(isSecretEnvValue('APP_TITLE', 'my application title')).toBe(true);
  });

  it('never counts booleans, numbers, environment words or short plain values', () => {
    for (const [name, value] of [
      ['DEBUG', 'true'],
      ['AUTH_ENABLED', 'false'],
      ['PORT', '3000'],
      ['TOKEN_TTL', '3600'],
      ['RATIO', '0.75'],
      ['NODE_ENV', 'development'],
      ['FLASK_ENV', 'production'],
      ['SESSION_BACKEND', 'off'],
      ['HOST', '0.0.0.0'],
      ['REDIS_HOST', 'localhost'],
      ['FLASK_APP', 'app.py'],
      ['DB_ENGINE', 'postgres'],
      ['APP_NAME', 'my-service'],
      ['KEY', 'abc'],
    ]) {
      expect(isSecretEnvValue(name!, value!), `${name}=${value}`).toBe(false);
    }
  });
});

describe('envFileSecretValues', () => {
  it('gives the secret values, and each line of a multi-line value', () => {
    const key = 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKB';
    const text = `PORT=8080\nAPI_TOKEN="tok-12345"\nCERT_KEY="${key}"\n`;
    expect(envFileSecretValues(text)).toEqual([
      'tok-12345',
      key,
      'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC',
      'BKcwggSjAgEAAoIBAQC7VJTUt9Us8cKB',
    ]);
  });
});

describe('isEnvFileName', () => {
  it('knows dotenv names', () => {
    for (const name of ['.env', '.env.local', '.env.production', '.envrc', 'prod.env']) {
      expect(isEnvFileName(name), name).toBe(true);
    }
    for (const name of ['env.py', 'environment.ts', '.environment', 'README.md']) {
      expect(isEnvFileName(name), name).toBe(false);
    }
  });
});
