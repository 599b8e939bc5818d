import { join } from 'node:path';
import type { Sandbox } from '../../sandbox/sandbox.js';
import { listFolder } from '../../shared/fs-lookups.js';

/** Virtual-environment folders the backend role knows; the allowlist names their bin/ tools. */
export const VENV_DIRS = ['venv', '.venv'] as const;

/** The first venv folder (marked by its pyvenv.cfg), if any. bin/python links out, so it is not probed. */
export async function findVenv(sandbox: Sandbox): Promise<string | undefined> {
  for (const dir of VENV_DIRS) {
    if (await sandbox.exists(`${dir}/pyvenv.cfg`)) return dir;
  }
  return undefined;
}

/** Installed distributions of a venv as `name==version`, read from its *.dist-info folders. */
export async function installedPackages(sandbox: Sandbox, venv: string): Promise<string[]> {
  const lib = await sandbox.resolvePath(`${venv}/lib`);
  const pythons = listFolder(lib) ?? [];
  const packages: string[] = [];
  for (const python of pythons.filter((entry) => entry.startsWith('python'))) {
    const entries = listFolder(join(lib, python, 'site-packages')) ?? [];
    for (const entry of entries) {
      const match = /^(.+?)-([^-]+)\.dist-info$/.exec(entry);
      if (match) packages.push(`${match[1]}==${match[2]}`);
    }
  }
  return packages.sort();
}
