import { ConfigError } from '@codegod/protocol';
import { describe, expect, it } from 'vitest';
import { isLoopbackHost, resolveBullBoardSettings } from './bull-board-settings.js';

describe('resolveBullBoardSettings', () => {
  it('defaults to 127.0.0.1:3000, no login, read-only', () => {
    expect(resolveBullBoardSettings({ env: {} })).toEqual({
      port: 3000,
      host: '127.0.0.1',
      credentials: undefined,
      readOnly: true,
    });
  });

  it('reads the environment; options win', () => {
    const env = {
      BULL_BOARD_PORT: '3100',
      BULL_BOARD_HOST: '0.0.0.0',
      BULL_BOARD_USER: 'ops',
      BULL_BOARD_PASSWORD: 'pw',
      BULL_BOARD_READ_ONLY: 'false',
    };
    expect(resolveBullBoardSettings({ env })).toEqual({
      port: 3100,
      host: '0.0.0.0',
      credentials: { user: 'ops', password: 'pw' },
      readOnly: false,
    });
    expect(resolveBullBoardSettings({ env, port: 0, readOnly: true })).toMatchObject({
      port: 0,
      readOnly: true,
    });
  });

  it.each([
    [{ BULL_BOARD_PORT: '70000' }, 'BULL_BOARD_PORT'],
    [{ BULL_BOARD_READ_ONLY: 'maybe' }, 'BULL_BOARD_READ_ONLY'],
    [{ BULL_BOARD_PASSWORD: 'pw' }, 'BULL_BOARD_USER'],
    [{ BULL_BOARD_HOST: '192.168.1.5' }, 'BULL_BOARD_HOST'],
  ])('rejects %j naming %s', (env, variable) => {
    expect(() => resolveBullBoardSettings({ env })).toThrow(ConfigError);
    expect(() => resolveBullBoardSettings({ env })).toThrow(variable);
  });

  it('knows loopback addresses', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', '::1', 'localhost'])
      expect(isLoopbackHost(host)).toBe(true);
    for (const host of ['0.0.0.0', '::', '192.168.1.5', '127.0.0.1.evil.example'])
      expect(isLoopbackHost(host)).toBe(false);
  });
});
