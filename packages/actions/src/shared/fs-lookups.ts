import { lstatSync, readdirSync, type Stats, statSync } from 'node:fs';

// Synchronous file-system lookups that answer undefined when they cannot (issue 15): each is a
// metadata call of microseconds in a workspace's folders, where a hand-off to the thread pool
// and back costs more. The sandbox's path checks (realTarget), its reads and the roles'
// listings use them.

/** A folder's entry names, or undefined when it cannot be read. */
export function listFolder(folder: string): string[] | undefined {
  try {
    return readdirSync(folder);
  } catch {
    return undefined;
  }
}

/** The stats of what `path` points at; undefined when they cannot be read. */
export function statOrNothing(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/** The path's own stats (a link's, not its target's); undefined when there are none. */
export function lstatOrNothing(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}
