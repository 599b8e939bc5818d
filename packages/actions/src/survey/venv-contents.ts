import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { canonicalName } from '../roles/backend/python-requirements.js';

/**
 * The distributions installed in a venv, read from its site-packages `*.dist-info` and
 * `*.egg-info` folders: no interpreter is started, so it is quick and runs nothing.
 */
export async function venvDistributions(workspace: string, venv: string): Promise<Set<string>> {
  const names = new Set<string>();
  const lib = join(workspace, venv, 'lib');
  const pythons = await readdir(lib).catch(() => [] as string[]);
  for (const python of pythons.filter((name) => name.startsWith('python')).sort()) {
    const entries = await readdir(join(lib, python, 'site-packages')).catch(() => [] as string[]);
    for (const entry of entries) {
      const match = /^(.+?)-[^-]*\.(dist|egg)-info$/.exec(entry);
      if (match) names.add(canonicalName(match[1]!));
    }
  }
  return names;
}
