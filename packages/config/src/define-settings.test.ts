import { ConfigError } from '@codegod/protocol';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineSettings, intSetting, wholeNumberSetting } from './define-settings.js';

const settings = defineSettings({
  url: { env: 'TEST_URL', flag: '--url', schema: z.string().url().default('http://x/') },
  count: { env: 'TEST_COUNT', schema: intSetting(1, 3) },
});

describe('defineSettings', () => {
  it('applies defaults, reads the environment, and lets given options win', () => {
    expect(settings.resolve({}, {})).toEqual({ url: 'http://x/', count: 3 });
    expect(settings.resolve({}, { TEST_COUNT: '7', TEST_URL: '  ' })).toEqual({
      url: 'http://x/',
      count: 7,
    });
    expect(settings.resolve({ count: 9 }, { TEST_COUNT: '7' }).count).toBe(9);
  });

  it('names the option, the flag and the variable in errors', () => {
    try {
      settings.resolve({}, { TEST_URL: 'nope' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const config = error as ConfigError;
      expect([config.option, config.flag, config.envVar, config.code]).toEqual([
        'url',
        '--url',
        'TEST_URL',
        'config-invalid',
      ]);
      expect(config.message).toMatch(
        /^Invalid setting url \(flag --url, environment variable TEST_URL\): .*\(got "nope"\)$/,
      );
    }
    expect(() => settings.resolve({ count: 0 }, {})).toThrowError(
      /Invalid setting count \(environment variable TEST_COUNT\): .*\(got 0\)/,
    );
  });

  it('takes settings only code gives from the options alone', () => {
    const bounds = defineSettings({ maxDepth: { schema: wholeNumberSetting(1, 4) } });
    expect(bounds.resolve({}, { maxDepth: '9' } as Record<string, string>)).toEqual({
      maxDepth: 4,
    });
    expect(() => bounds.resolve({ maxDepth: 1.5 })).toThrowError(
      /^Invalid setting maxDepth: .*\(got 1\.5\)$/,
    );
    const nested = defineSettings(bounds.specs, { within: 'limits' });
    expect(() => nested.resolve({ maxDepth: 0 })).toThrowError(
      /^Invalid setting limits\.maxDepth: .*\(got 0\)$/,
    );
  });
});
