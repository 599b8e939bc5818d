import { defineSettings, type ListenerSettings, resolveListenerSettings } from '@codegod/config';
import { z } from 'zod';

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

/** The settings with defaults applied and checked; `credentials` is set when the board asks for a login. */
export interface BullBoardSettings extends ListenerSettings {
  readOnly: boolean;
}

const flag = z
  .union([z.boolean(), z.enum(['true', 'false', '1', '0', 'yes', 'no'])])
  .transform((value) => value === true || value === 'true' || value === '1' || value === 'yes');

const READ_ONLY_SETTINGS = defineSettings({
  readOnly: { env: 'BULL_BOARD_READ_ONLY', schema: flag.default(true) },
});

/**
 * Applies env fallbacks and defaults once. Throws ConfigError naming the option and its
 * environment variable for a bad value, for a user without a password (or the reverse), and
 * for a non-loopback host without credentials.
 */
export function resolveBullBoardSettings(
  options: BullBoardSettingsOptions = {},
): BullBoardSettings {
  const { env = process.env, readOnly, ...listener } = options;
  const { readOnly: resolvedReadOnly } = READ_ONLY_SETTINGS.resolve({ readOnly }, env);
  return {
    ...resolveListenerSettings('BULL_BOARD', 3000, 'Bull Board', listener, env),
    readOnly: resolvedReadOnly,
  };
}

export { isLoopbackHost } from '@codegod/config';
