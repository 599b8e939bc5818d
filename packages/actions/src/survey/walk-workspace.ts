import { type Dirent, existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** Folders the walk names but never enters: dependencies, caches, VCS data and build output. */
export const SURVEY_SKIPPED_FOLDERS: ReadonlySet<string> = new Set([
  '.git',
  '.hg',
  '.svn',
  'node_modules',
  'bower_components',
  '__pycache__',
  '.pytest_cache',
  '.mypy_cache',
  '.ruff_cache',
  '.tox',
  '.nox',
  '.cache',
  '.next',
  '.nuxt',
  '.turbo',
  '.gradle',
  'dist',
  'build',
  'target',
  'coverage',
  'htmlcov',
  'site-packages',
]);

/** Bounds of one walk. */
export interface WalkBounds {
  /** Directory entries looked at; past it the walk stops and says so. */
  maxEntries: number;
  /** Paths kept for the tree; the walk goes on past it to find manifests. */
  maxTreeLines: number;
  /** Folder levels below the workspace entered. */
  maxDepth: number;
}

/** What a bounded walk saw. */
export interface WalkedTree {
  /** Paths breadth first, each folder's entries sorted; folders end with `/`. */
  tree: string[];
  /** Paths seen past `maxTreeLines`. */
  treeOmitted: number;
  /** Every file path seen (for manifest and language detection), in walk order. */
  files: string[];
  entriesSeen: number;
  complete: boolean;
  skipped: string[];
  venvs: string[];
}

const byName = (a: Dirent, b: Dirent) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/**
 * Walks `workspace` breadth first with every folder's entries sorted, so the same tree gives
 * the same result. Symlinks are listed, never followed; unreadable folders are skipped.
 */
export async function walkWorkspace(workspace: string, bounds: WalkBounds): Promise<WalkedTree> {
  const walked: WalkedTree = {
    tree: [],
    treeOmitted: 0,
    files: [],
    entriesSeen: 0,
    complete: true,
    skipped: [],
    venvs: [],
  };
  const show = (path: string) => {
    if (walked.tree.length < bounds.maxTreeLines) walked.tree.push(path);
    else walked.treeOmitted++;
  };
  let level: string[] = [''];
  for (let depth = 0; level.length > 0; depth++) {
    const next: string[] = [];
    for (const folder of level) {
      const entries = await readdir(join(workspace, folder), { withFileTypes: true }).catch(
        () => [] as Dirent[],
      );
      for (const entry of entries.sort(byName)) {
        if (walked.entriesSeen >= bounds.maxEntries) {
          walked.complete = false;
          return walked;
        }
        walked.entriesSeen++;
        const path = `${folder}${entry.name}`;
        if (!entry.isDirectory()) {
          show(path);
          if (entry.isFile()) walked.files.push(path);
          continue;
        }
        // A venv is known by its pyvenv.cfg, whatever it is called.
        if (existsSync(join(workspace, path, 'pyvenv.cfg'))) {
          walked.venvs.push(`${path}/`);
          walked.skipped.push(`${path}/`);
          show(`${path}/`);
        } else if (SURVEY_SKIPPED_FOLDERS.has(entry.name)) {
          walked.skipped.push(`${path}/`);
          show(`${path}/`);
        } else {
          show(`${path}/`);
          if (depth < bounds.maxDepth) next.push(`${path}/`);
          else walked.complete = false;
        }
      }
    }
    level = next;
  }
  return walked;
}
