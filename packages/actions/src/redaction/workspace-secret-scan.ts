import { type Dirent, readdirSync, type Stats, statSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { readFileStart } from '../shared/read-file-start.js';
import { envFileSecretValues, isEnvFileName } from './env-file-values.js';
import { holdsPrivateKey, privateKeyValues } from './private-key-values.js';

/** How far and how much a scan looks; see `WorkspaceRedactorOptions` for each default. */
export interface ScanLimits {
  maxDepth: number;
  maxEntries: number;
  maxEnvFileBytes: number;
  maxKeyFileBytes: number;
  maxScanBytes: number;
}

/**
 * Folders never searched: version control, dependencies and caches. They hold thousands of
 * files, none of them the project's own secrets (packages ship test keys on purpose).
 */
const SKIPPED_FOLDERS = new Set([
  '.git',
  '.hg',
  '.svn',
  'node_modules',
  '__pycache__',
  'venv',
  '.venv',
  'site-packages',
  '.tox',
  '.nox',
  '.mypy_cache',
  '.pytest_cache',
  '.ruff_cache',
  '.cache',
  '.codegod',
]);

/** Files stat-ed and read in parallel. */
const FILES_AT_ONCE = 16;

/**
 * Listings and stats per scan made synchronously: each takes a few microseconds where an
 * asynchronous one costs tens in thread-pool hand-offs, so a task-sized workspace is scanned
 * in well under a millisecond. Past it, a large tree goes on asynchronously, so one scan never
 * holds the event loop for more than about a millisecond.
 */
const SYNC_CALLS = 256;

/** What one scan may still spend. */
interface ScanBudget {
  /** Bytes of files it may still read. */
  bytes: number;
  /** Synchronous file-system calls it may still make. */
  syncCalls: number;
}

interface CachedFile {
  /** Size, mtime and ctime: a file whose stamp is unchanged is not read again. */
  stamp: string;
  values: string[];
}

/**
 * Finds the workspace's secrets on disk: the values of its `.env*` files and the key material
 * of private keys, found by their headers in any small file. Bounded by depth, entries looked
 * at and bytes read per scan; symlinks are never followed, so nothing outside is read. Files
 * are re-read only when their size or times change, so a scan per task step is cheap.
 */
export class WorkspaceSecretScan {
  readonly #workspace: string;
  readonly #limits: ScanLimits;
  readonly #cache = new Map<string, CachedFile>();

  constructor(workspace: string, limits: ScanLimits) {
    this.#workspace = workspace;
    this.#limits = limits;
  }

  /** The secret values found now, shallow files first. */
  async scan(): Promise<string[]> {
    const seen = new Set<string>();
    const collected: string[] = [];
    let entries = 0;
    const budget: ScanBudget = { bytes: this.#limits.maxScanBytes, syncCalls: SYNC_CALLS };
    let level: string[] = [this.#workspace];
    for (let depth = 0; depth <= this.#limits.maxDepth && level.length > 0; depth++) {
      const next: string[] = [];
      for (const dir of level) {
        const listing = await list(dir, budget);
        // A virtualenv under any name (env/, .env-py/) holds pyvenv.cfg: skip it whole.
        if (depth > 0 && listing.some((entry) => entry.name === 'pyvenv.cfg')) continue;
        const files: Dirent[] = [];
        for (const entry of listing) {
          if (++entries > this.#limits.maxEntries) break;
          // Dirent types come from lstat: a symlink is neither a file nor a folder here.
          if (entry.isDirectory() && !SKIPPED_FOLDERS.has(entry.name)) {
            next.push(join(dir, entry.name));
          } else if (entry.isFile()) files.push(entry);
        }
        // A few files at a time: a folder of thousands must not open thousands of descriptors.
        for (let at = 0; at < files.length; at += FILES_AT_ONCE) {
          const read = await Promise.all(
            files.slice(at, at + FILES_AT_ONCE).map((entry) => {
              const path = join(dir, entry.name);
              seen.add(path);
              return this.#read(path, isEnvFileName(entry.name), budget);
            }),
          );
          for (const values of read) collected.push(...values);
        }
        if (entries > this.#limits.maxEntries) break;
      }
      if (entries > this.#limits.maxEntries) break;
      level = next;
    }
    // Files gone from the tree leave the cache; their values stay known to the redactor.
    for (const path of this.#cache.keys()) if (!seen.has(path)) this.#cache.delete(path);
    return collected;
  }

  /** The secret values of one file, from the cache while its stamp is unchanged. */
  async #read(path: string, envFile: boolean, budget: ScanBudget): Promise<string[]> {
    const limit = envFile ? this.#limits.maxEnvFileBytes : this.#limits.maxKeyFileBytes;
    const info = await stats(path, budget);
    if (!info || info.size > limit || info.size === 0) return [];
    const stamp = `${info.size}:${info.mtimeMs}:${info.ctimeMs}`;
    const cached = this.#cache.get(path);
    if (cached?.stamp === stamp) return cached.values;
    // Over this scan's byte budget: left uncached, so the next scan reads it.
    if (info.size > budget.bytes) return [];
    budget.bytes -= info.size;
    const text = await readFileStart(path, info.size);
    if (text === undefined) return [];
    const values = [
      ...(envFile ? envFileSecretValues(text) : []),
      ...(holdsPrivateKey(text) ? privateKeyValues(text) : []),
    ];
    this.#cache.set(path, { stamp, values });
    return values;
  }
}

/** A folder's entries, or none when it cannot be read; synchronous while the budget lasts. */
async function list(dir: string, budget: ScanBudget): Promise<Dirent[]> {
  if (budget.syncCalls-- <= 0) return readdir(dir, { withFileTypes: true }).catch(() => []);
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}

/** A file's stats, or undefined when it is gone; synchronous while the budget lasts. */
async function stats(path: string, budget: ScanBudget): Promise<Stats | undefined> {
  if (budget.syncCalls-- <= 0) return stat(path).catch(() => undefined);
  try {
    return statSync(path, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}
