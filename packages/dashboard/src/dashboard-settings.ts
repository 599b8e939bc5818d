import { type ListenerSettings, resolveListenerSettings } from '@codegod/config';
/** The settings of the dashboard server; each falls back to its environment variable. */
export interface DashboardSettingsOptions {
  /** TCP port; 0 picks a free one. Env `DASHBOARD_PORT`. Default: 3100. */
  port?: number;
  /**
   * Interface to listen on. Env `DASHBOARD_HOST`. Default: `127.0.0.1`, this machine only.
   * Any address that is not loopback needs `user` and `password`: the dashboard shows every
   * task's reasoning and outputs, and can wipe agents' memory.
   */
  host?: string;
  /** HTTP basic auth user. Env `DASHBOARD_USER`. Default: none (no login). */
  user?: string;
  /** HTTP basic auth password, set together with `user`. Env `DASHBOARD_PASSWORD`. Default: none. */
  password?: string;
  /** Where unset settings are read from. Default: `process.env`. */
  env?: Record<string, string | undefined>;
}

/** The settings with defaults applied and checked; `credentials` is set when the dashboard asks for a login. */
export type DashboardSettings = ListenerSettings;

/** The default port: next to Bull Board's 3000, clear of Redis Commander's 8081. */
export const DEFAULT_DASHBOARD_PORT = 3100;

/**
 * Applies env fallbacks and defaults once. Throws ConfigError naming the option and its
 * environment variable for a bad value, for a user without a password (or the reverse), and
 * for a non-loopback host without credentials.
 */
export function resolveDashboardSettings(
  options: DashboardSettingsOptions = {},
): DashboardSettings {
  const { env = process.env, ...listener } = options;
  return resolveListenerSettings(
    'DASHBOARD',
    DEFAULT_DASHBOARD_PORT,
    'the dashboard',
    listener,
    env,
  );
}
