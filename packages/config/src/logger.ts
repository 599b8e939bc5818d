import { createRequire } from 'node:module';
import type { Logger } from 'pino';

// pino (with its streams) is loaded by the first createLogger, not by importing this package:
// commands that log nothing (`--help`, `plan`, a usage error) start ~20 ms sooner without it.
const require = createRequire(import.meta.url);
let loadedPino: typeof import('pino') | undefined;

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
  loadedPino ??= require('pino') as typeof import('pino');
  return loadedPino.pino(
    {
      name: options.name,
      level: options.level ?? 'info',
      formatters: { log: (object) => redactSecrets(object) },
    },
    options.destination ?? process.stdout,
  );
}

export type { Logger };
