import { ConfigError } from '@codegod/protocol';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DASHBOARD_PORT, resolveDashboardSettings } from './dashboard-settings.js';

describe('resolveDashboardSettings', () => {
  it('defaults to 127.0.0.1:3100 without a login, and reads the environment', () => {
    expect(resolveDashboardSettings({ env: {} })).toEqual({
      port: DEFAULT_DASHBOARD_PORT,
      host: '127.0.0.1',
      credentials: undefined,
    });
    expect(
      resolveDashboardSettings({
        env: {
          DASHBOARD_PORT: '0',
          DASHBOARD_HOST: '0.0.0.0',
          DASHBOARD_USER: 'ops',
          DASHBOARD_PASSWORD: 'pw',
        },
      }),
    ).toEqual({ port: 0, host: '0.0.0.0', credentials: { user: 'ops', password: 'pw' } });
  });

  it.each([
    [{ DASHBOARD_PORT: '70000' }, 'DASHBOARD_PORT'],
    [{ DASHBOARD_USER: 'ops' }, 'DASHBOARD_PASSWORD'],
    [{ DASHBOARD_PASSWORD: 'pw' }, 'DASHBOARD_USER'],
    [{ DASHBOARD_HOST: '0.0.0.0' }, 'DASHBOARD_HOST'],
  ])('names the variable at fault: %o', (env, variable) => {
    const attempt = () => resolveDashboardSettings({ env });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(variable);
  });
});
