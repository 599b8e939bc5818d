import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** Folders never sent to `docker build`: they are large and rebuilt inside the image. */
const SKIPPED = new Set(['.git', 'node_modules', 'venv', '.venv', '__pycache__']);

/**
 * Files and folders of a build context, relative to it. Symlinks are left out, so nothing
 * outside the workspace can ride along in the tarball.
 */
export async function walkContext(root: string, prefix = ''): Promise<string[]> {
  const entries = await readdir(join(root, prefix), { withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries) {
    const path = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory() && !SKIPPED.has(entry.name))
      files.push(...(await walkContext(root, path)));
    else if (entry.isFile()) files.push(path);
  }
  return files.sort();
}
