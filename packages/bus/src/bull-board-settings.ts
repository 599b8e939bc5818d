import { ConfigError } from '@codegod/protocol';
import { z } from 'zod';
import { resolveSettings } from './settings.js';

/** The settings of the Bull Board server; each falls back to its environment variable. */
export interface BullBoardSettingsOptions {
  /** TCP port. Env `BULL_BOARD_PORT`. Default: 3000. */
  port?: number;
  /**
   * Interface to listen on. Env `BULL_BOARD_HOST`. Default: `127.0.0.1`, this machine only.
   * Any address that is not loopback (e.g. `0.0.0.0` inside a container) needs `user` and
   * `password`: the board shows every job's payload.
   */
  host?: string;
  /** HTTP basic auth user. Env `BULL_BOARD_USER`. Default: none (no login). */
  user?: string;
  /** HTTP basic auth password, set together with `user`. Env `BULL_BOARD_PASSWORD`. Default: none. */
  password?: string;
  /**
   * Refuse every change: pause, resume, retry, promote, clean, empty, delete. Env
   * `BULL_BOARD_READ_ONLY` (`true` or `false`). Default: true.
   */
  readOnly?: boolean;
  /** Where unset settings are read from. Default: `process.env`. */
  env?: Record<string, string | undefined>;
}

/** The settings with defaults applied and checked. */
export interface BullBoardSettings {
  port: number;
  host: string;
  /** Set when the board asks for a login. */
  credentials: { user: string; password: string } | undefined;
  readOnly: boolean;
}

const flag = z
  .union([z.boolean(), z.enum(['true', 'false', '1', '0', 'yes', 'no'])])
  .transform((value) => value === true || value === 'true' || value === '1' || value === 'yes');

const SETTINGS = {
  port: {
    env: 'BULL_BOARD_PORT',
    schema: z.coerce.number().int().min(0).max(65_535).default(3000),
  },
  host: { env: 'BULL_BOARD_HOST', schema: z.string().trim().min(1).default('127.0.0.1') },
  user: { env: 'BULL_BOARD_USER', schema: z.string().min(1).optional() },
  password: { env: 'BULL_BOARD_PASSWORD', schema: z.string().min(1).optional() },
  readOnly: { env: 'BULL_BOARD_READ_ONLY', schema: flag.default(true) },
};

/** True for addresses only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * Applies env fallbacks and defaults once. Throws ConfigError naming the option and its
 * environment variable for a bad value, for a user without a password (or the reverse), and
 * for a non-loopback host without credentials.
 */
export function resolveBullBoardSettings(
  options: BullBoardSettingsOptions = {},
): BullBoardSettings {
  const { env = process.env, ...given } = options;
  const resolved = resolveSettings(SETTINGS, given, env);
  if ((resolved.user === undefined) !== (resolved.password === undefined))
    throw new ConfigError(
      resolved.user === undefined ? 'user' : 'password',
      resolved.user === undefined ? 'BULL_BOARD_USER' : 'BULL_BOARD_PASSWORD',
      'set BULL_BOARD_USER and BULL_BOARD_PASSWORD together',
    );
  const credentials =
    resolved.user !== undefined && resolved.password !== undefined
      ? { user: resolved.user, password: resolved.password }
      : undefined;
  if (!credentials && !isLoopbackHost(resolved.host))
    throw new ConfigError(
      'host',
      'BULL_BOARD_HOST',
      `Bull Board on ${resolved.host} would be reachable from other machines without a login; set BULL_BOARD_USER and BULL_BOARD_PASSWORD, or listen on 127.0.0.1`,
    );
  return { port: resolved.port, host: resolved.host, credentials, readOnly: resolved.readOnly };
}
