import type { Logger } from '@codegod/config';

/** How a service logs its backend's errors: a connection error warns, a bus error is an error. */
export function logBackendError(logger: Logger) {
  return (error: unknown, source: 'redis' | 'bus'): void => {
    if (source === 'redis')
      logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'redis error');
    else logger.error({ err: String(error) }, 'bus error');
  };
}
