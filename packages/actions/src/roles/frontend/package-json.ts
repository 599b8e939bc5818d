import { posix } from 'node:path';
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
 * The end of both load scripts: says the entry loaded and exits 0, or prints why and exits 1.
 * The success line is written straight to fd 1: `console.log` would first build
 * `process.stdout`, a stream over the pipe, which costs more than the rest of the check after
 * a spare's go byte (about 8 of its 17 ms here, scripts/bench/node-check.ts). A failed write
 * changes nothing: the exit code is the check's verdict.
 */
const REPORT_LOAD =
  '.then(' +
  "function () { try { require('fs').writeSync(1, 'loaded ' + process.argv[1] + '\\n') } catch (e) {} process.exit(0) }, " +
  'function (e) { console.error(String(e.stack ?? e)), process.exit(1) })';

/**
 * Loads the entry point in Node and exits, so a server that listens does not hang the check.
 * Written as one expression: the argument check refuses `;` and newlines even in our own code.
 * `import()` loads any module format, at the price of starting Node's ES module loader.
 */
export const LOAD_ENTRY_SCRIPT =
  "import(require('url').pathToFileURL(require('path').resolve(process.argv[1])).href)" +
  REPORT_LOAD;

/**
 * LOAD_ENTRY_SCRIPT for an entry point Node runs as CommonJS: `require` runs the same module
 * code as `import()` would (Node's import of a CommonJS file goes through the same loader), and
 * skips starting the ES module loader (about 18 ms of the check's Node here).
 */
export const REQUIRE_ENTRY_SCRIPT =
  "new Promise(function (loaded) { loaded(require(require('path').resolve(process.argv[1]))) })" +
  REPORT_LOAD;

/**
 * How Node 20 runs `main` (a path relative to the workspace), by its own rules: `.cjs` is
 * CommonJS, `.js` takes the `type` of the nearest package.json above it; anything else, a
 * package.json that is not valid JSON, or a path through node_modules or out of the workspace
 * is `unknown` (load it with `import()`, which handles every case as before).
 */
export async function entryModuleFormat(
  sandbox: Sandbox,
  main: string,
): Promise<'commonjs' | 'module' | 'unknown'> {
  const path = posix.normalize(main.replaceAll('\\', '/'));
  if (path.startsWith('../') || path.startsWith('/') || path.split('/').includes('node_modules')) {
    return 'unknown';
  }
  if (path.endsWith('.cjs')) return 'commonjs';
  if (path.endsWith('.mjs')) return 'module';
  if (!path.endsWith('.js')) return 'unknown';
  for (let dir = posix.dirname(path); ; dir = posix.dirname(dir)) {
    const file = dir === '.' ? 'package.json' : `${dir}/package.json`;
    if (await sandbox.exists(file)) {
      try {
        const type = (JSON.parse(await sandbox.readFile(file)) as { type?: unknown })?.type;
        return type === 'module' ? 'module' : 'commonjs';
      } catch {
        return 'unknown';
      }
    }
    if (dir === '.') return 'unknown';
  }
}
