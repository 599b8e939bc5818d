import { ConfigError } from '@codegod/protocol';
import { z } from 'zod';
import { defineSettings, type Environment, type SettingValues } from './define-settings.js';

/** Where an HTTP listener (Bull Board, the dashboard) binds, and its optional basic-auth login. */
export interface ListenerOptions {
  /** TCP port; 0 picks a free one. Env `<PREFIX>_PORT`. */
  port?: number;
  /**
   * Interface to listen on. Env `<PREFIX>_HOST`. Default: `127.0.0.1`, this machine only. Any
   * address that is not loopback needs `user` and `password`.
   */
  host?: string;
  /** HTTP basic auth user. Env `<PREFIX>_USER`. Default: none (no login). */
  user?: string;
  /** HTTP basic auth password, set together with `user`. Env `<PREFIX>_PASSWORD`. Default: none. */
  password?: string;
}

/** A listener's settings with defaults applied and checked. */
export interface ListenerSettings {
  port: number;
  host: string;
  /** Set when the listener asks for a login. */
  credentials: { user: string; password: string } | undefined;
}

/** True for addresses only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** The port, host, user and password settings of a listener whose variables start with `prefix`. */
export function listenerSettingSpecs(prefix: string, defaultPort: number) {
  return {
    port: {
      env: `${prefix}_PORT`,
      schema: z.coerce.number().int().min(0).max(65_535).default(defaultPort),
    },
    host: { env: `${prefix}_HOST`, schema: z.string().trim().min(1).default('127.0.0.1') },
    user: { env: `${prefix}_USER`, schema: z.string().min(1).optional() },
    password: { env: `${prefix}_PASSWORD`, schema: z.string().min(1).optional() },
  };
}

type ListenerSpecs = ReturnType<typeof listenerSettingSpecs>;

/** The login of a resolved listener; see `resolveListenerSettings` for what it refuses. */
function listenerLogin(
  specs: ListenerSpecs,
  resolved: SettingValues<ListenerSpecs>,
  what: string,
): ListenerSettings['credentials'] {
  const { host, user, password } = resolved;
  const both = `set ${specs.user.env} and ${specs.password.env}`;
  if ((user === undefined) !== (password === undefined)) {
    const missing = user === undefined ? 'user' : 'password';
    throw new ConfigError(missing, specs[missing].env, `${both} together`);
  }
  const credentials = user !== undefined && password !== undefined ? { user, password } : undefined;
  if (!credentials && !isLoopbackHost(host))
    throw new ConfigError(
      'host',
      specs.host.env,
      `${what} on ${host} would be reachable from other machines without a login; ${both}, or listen on 127.0.0.1`,
    );
  return credentials;
}

/**
 * Resolves a listener's settings from `given` and `env` (the variables `<prefix>_PORT`,
 * `_HOST`, `_USER` and `_PASSWORD`). Throws ConfigError for a bad value, for a user without a
 * password (or the reverse), and for a non-loopback host without a login; `what` (e.g. `the
 * dashboard`) names what other machines could reach.
 */
export function resolveListenerSettings(
  prefix: string,
  defaultPort: number,
  what: string,
  given: ListenerOptions,
  env: Environment = process.env,
): ListenerSettings {
  const specs = listenerSettingSpecs(prefix, defaultPort);
  const resolved = defineSettings(specs).resolve(given, env);
  return {
    port: resolved.port,
    host: resolved.host,
    credentials: listenerLogin(specs, resolved, what),
  };
}
