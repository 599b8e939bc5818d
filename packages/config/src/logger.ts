import { type Logger, pino } from 'pino';

/** Settings for `createLogger`. */
export interface LoggerOptions {
  /** The component name written as `name` on every line. */
  name: string;
  /** pino level. Default: `info`. */
  level?: string;
  /** Where lines go. Default: standard output. */
  destination?: NodeJS.WritableStream;
}

/** Words that mark a value as secret when they appear in its key. */
export const SECRET_KEY_PATTERN = /(KEY|TOKEN|PASSWORD|SECRET)/i;

/** Replaces the values of secret-looking keys, at any depth, with `[redacted]`. */
export function redactSecrets<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => redactSecrets(v)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        k,
        SECRET_KEY_PATTERN.test(k) ? '[redacted]' : redactSecrets(v),
      ]),
    ) as T;
  }
  return value;
}

/** A JSON logger (pino) whose secret-looking fields are redacted. */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      name: options.name,
      level: options.level ?? 'info',
      formatters: { log: (object) => redactSecrets(object) },
    },
    options.destination ?? process.stdout,
  );
}

export type { Logger };
