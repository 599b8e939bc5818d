import { readdirSync } from 'node:fs';

/**
 * A folder's entry names, or undefined when it cannot be read. Synchronous, like the sandbox's
 * lookups (see realTarget): listing a workspace's folder takes microseconds, where a hand-off to
 * the thread pool and back costs more.
 */
export function listFolder(folder: string): string[] | undefined {
  try {
    return readdirSync(folder);
  } catch {
    return undefined;
  }
}
