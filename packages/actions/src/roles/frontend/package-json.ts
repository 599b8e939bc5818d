import { z } from 'zod';
import type { Sandbox } from '../../sandbox/sandbox.js';

/** The parts of package.json the frontend role reads; everything else is kept as is. */
export const packageJsonSchema = z.looseObject({
  name: z.string().optional(),
  main: z.string().optional(),
  type: z.enum(['module', 'commonjs']).optional(),
  scripts: z.record(z.string(), z.string()).optional(),
  dependencies: z.record(z.string(), z.string()).optional(),
  devDependencies: z.record(z.string(), z.string()).optional(),
});
/** A parsed package.json. */
export type PackageJson = z.infer<typeof packageJsonSchema>;

/** Reads and checks package.json; undefined when there is none. Throws on a malformed one. */
export async function readPackageJson(sandbox: Sandbox): Promise<PackageJson | undefined> {
  if (!(await sandbox.exists('package.json'))) return undefined;
  return packageJsonSchema.parse(JSON.parse(await sandbox.readFile('package.json')));
}

/** The entry point Node loads for the package: `main`, else index.js. */
export function entryPoint(pkg: PackageJson): string {
  return pkg.main ?? 'index.js';
}

/** Declared dependencies (runtime and dev) that have no folder in node_modules. */
export async function missingDependencies(sandbox: Sandbox, pkg: PackageJson): Promise<string[]> {
  const names = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies });
  const missing: string[] = [];
  for (const name of names) {
    if (!(await sandbox.exists(`node_modules/${name}/package.json`))) missing.push(name);
  }
  return missing;
}

/**
 * Loads the entry point in Node and exits, so a server that listens does not hang the check.
 * Written as one expression: the argument check refuses `;` and newlines even in our own code.
 */
export const LOAD_ENTRY_SCRIPT =
  "import(require('url').pathToFileURL(require('path').resolve(process.argv[1])).href).then(" +
  "function () { console.log('loaded ' + process.argv[1]), process.exit(0) }, " +
  'function (e) { console.error(String(e.stack ?? e)), process.exit(1) })';
