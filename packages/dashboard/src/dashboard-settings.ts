import { ConfigError } from '@codegod/protocol';
import { z } from 'zod';

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

/** The settings with defaults applied and checked. */
export interface DashboardSettings {
  port: number;
  host: string;
  /** Set when the dashboard asks for a login. */
  credentials: { user: string; password: string } | undefined;
}

/** The default port: next to Bull Board's 3000, clear of Redis Commander's 8081. */
export const DEFAULT_DASHBOARD_PORT = 3100;

const SETTINGS = {
  port: {
    env: 'DASHBOARD_PORT',
    schema: z.coerce.number().int().min(0).max(65_535).default(DEFAULT_DASHBOARD_PORT),
  },
  host: { env: 'DASHBOARD_HOST', schema: z.string().trim().min(1).default('127.0.0.1') },
  user: { env: 'DASHBOARD_USER', schema: z.string().min(1).optional() },
  password: { env: 'DASHBOARD_PASSWORD', schema: z.string().min(1).optional() },
} as const;

type SettingName = keyof typeof SETTINGS;

/** True for addresses only this machine can reach. */
export function isLoopbackAddress(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** One setting: the given value, else its environment variable (blank counts as unset). */
function resolveOne<N extends SettingName>(
  name: N,
  given: unknown,
  env: Record<string, string | undefined>,
): z.output<(typeof SETTINGS)[N]['schema']> {
  const spec = SETTINGS[name];
  const fromEnv = env[spec.env]?.trim() ? env[spec.env] : undefined;
  const parsed = spec.schema.safeParse(given ?? fromEnv);
  if (!parsed.success)
    throw new ConfigError(
      name,
      spec.env,
      `${JSON.stringify(given ?? fromEnv)} is not valid: ${parsed.error.issues[0]?.message ?? 'bad value'}`,
    );
  return parsed.data as z.output<(typeof SETTINGS)[N]['schema']>;
}

/**
 * Applies env fallbacks and defaults once. Throws ConfigError naming the option and its
 * environment variable for a bad value, for a user without a password (or the reverse), and
 * for a non-loopback host without credentials.
 */
export function resolveDashboardSettings(
  options: DashboardSettingsOptions = {},
): DashboardSettings {
  const { env = process.env } = options;
  const port = resolveOne('port', options.port, env);
  const host = resolveOne('host', options.host, env);
  const user = resolveOne('user', options.user, env);
  const password = resolveOne('password', options.password, env);
  if ((user === undefined) !== (password === undefined))
    throw new ConfigError(
      user === undefined ? 'user' : 'password',
      user === undefined ? 'DASHBOARD_USER' : 'DASHBOARD_PASSWORD',
      'set DASHBOARD_USER and DASHBOARD_PASSWORD together',
    );
  const credentials = user !== undefined && password !== undefined ? { user, password } : undefined;
  if (!credentials && !isLoopbackAddress(host))
    throw new ConfigError(
      'host',
      'DASHBOARD_HOST',
      `the dashboard on ${host} would be reachable from other machines without a login; set DASHBOARD_USER and DASHBOARD_PASSWORD, or listen on 127.0.0.1`,
    );
  return { port, host, credentials };
}
