import { readFile, realpath } from 'node:fs/promises';
import { delimiter, dirname, join } from 'node:path';
import { z } from 'zod';
import type { CommandSpec, SandboxKind } from './command-runner.js';
import { findExecutable } from './runners/find-executable.js';

// Issue 15: `npm test` spends about half a second in npm's own start-up before the test script
// runs, and on the testing role's critical path that is most of a Validate. When it is provably
// what npm would do, the script runs the way npm runs it, without npm: `pre<name>`, `<name>`
// and `post<name>`, each through `sh -c` and stopping at the first failure with its exit code,
// `node_modules/.bin` of the cwd and every folder above it first on PATH, the npm_* variables
// scripts read, and npm's `> name@version event` banner on stdout. The rewritten spec goes
// through the same runner, so the confinement is the same. Anything npm could do differently
// (extra arguments or flags, a missing script, workspaces, an npmrc or npm_config_* setting
// that is not inert, no npm at all) runs real npm instead.

/** The part of package.json that decides how npm runs a script. */
const packageSchema = z.object({
  name: z.string().optional(),
  version: z.string().optional(),
  scripts: z.record(z.string(), z.unknown()).optional(),
  workspaces: z.unknown().optional(),
});

/** A script name npm would take as is (no flag, no path). */
const SCRIPT_NAME = /^[A-Za-z0-9_][\w:.-]*$/;

/** The shell program that runs each script in turn, as npm would, from its positional args. */
const RUN_IN_TURN = [
  'while [ "$#" -gt 0 ]; do',
  `  printf '\\n> %s\\n> %s\\n\\n' "$1" "$3"`,
  '  npm_lifecycle_event="$2" npm_lifecycle_script="$3" sh -c "$3" || exit "$?"',
  '  shift 3',
  'done',
].join('\n');

/**
 * npm settings that only touch the registry, installs or npm's own bookkeeping, never how a
 * script runs. npm computes its local prefix (the cwd, which holds the package.json) whatever
 * npm_config_local_prefix says, `prefix` is for global installs, and `userconfig` and
 * `globalconfig` name the npmrcs read (read in turn). Any other setting (script-shell,
 * ignore-scripts, node-options…) means real npm runs.
 */
const INERT_SETTINGS = new Set([
  'allow-scripts',
  'audit',
  'ca',
  'cache',
  'cafile',
  'cert',
  'fund',
  'global-prefix',
  'globalconfig',
  'https-proxy',
  'init-module',
  'key',
  'local-prefix',
  'node-gyp',
  'nodedir',
  'noproxy',
  'npm-version',
  'omit-lockfile-registry-resolved',
  'prefix',
  'proxy',
  'registry',
  'strict-ssl',
  'update-notifier',
  'user-agent',
  'userconfig',
  'yes',
]);

/** Whether a setting is inert: listed above, or a registry's own (`//host/:_authToken`, `@scope:registry`). */
const inert = (key: string) =>
  INERT_SETTINGS.has(key.toLowerCase().replaceAll('_', '-')) ||
  key.startsWith('//') ||
  /^@[^:]+:registry$/.test(key);

/** The script npm would run for `args` (`test`, `run <name>`, `run-script <name>`), if plain. */
function scriptName(args: readonly string[]): { name: string; command: string } | undefined {
  if (args.length === 1 && args[0] === 'test') return { name: 'test', command: 'test' };
  const [verb, name] = args;
  if (args.length === 2 && (verb === 'run' || verb === 'run-script') && name) {
    return SCRIPT_NAME.test(name) ? { name, command: 'run' } : undefined;
  }
  return undefined;
}

/** Every `node_modules/.bin` from `cwd` up to the root, nearest first, as npm puts them. */
function binFolders(cwd: string): string[] {
  const folders: string[] = [];
  for (let dir = cwd; ; dir = dirname(dir)) {
    folders.push(join(dir, 'node_modules', '.bin'));
    if (dirname(dir) === dir) return folders;
  }
}

/** The keys an npmrc sets; none when it does not exist. */
async function npmrcKeys(path: string): Promise<string[]> {
  const text = await readFile(path, 'utf8').catch(() => '');
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#') && !line.startsWith(';'))
    .map((line) => line.split('=')[0]?.trim() ?? '');
}

/**
 * Whether some npm setting could change how the script runs: an npm_config_* variable or an
 * npmrc key that is not inert. The user npmrc is the one in the command's HOME, unless the
 * runner gives each command a fresh private HOME (bubblewrap).
 */
async function npmConfigured(
  spec: CommandSpec,
  npm: string,
  privateHome: boolean,
): Promise<boolean> {
  const variables = new Map<string, string>();
  for (const [name, value] of Object.entries(spec.env)) {
    const match = /^npm_config_(.+)$/i.exec(name);
    if (match?.[1]) variables.set(match[1].toLowerCase().replaceAll('_', '-'), value);
  }
  const userNpmrc =
    variables.get('userconfig') ??
    (!privateHome && spec.env.HOME ? join(spec.env.HOME, '.npmrc') : undefined);
  const npmrcs = [
    join(spec.cwd, '.npmrc'),
    ...(userNpmrc ? [userNpmrc] : []),
    // The global npmrc sits under npm's prefix (/usr/etc/npmrc for /usr/lib/node_modules/npm),
    // the built-in one in npm's own folder.
    variables.get('globalconfig') ?? join(dirname(dirname(dirname(dirname(npm)))), 'etc', 'npmrc'),
    join(dirname(dirname(npm)), 'npmrc'),
  ];
  const keys = [...variables.keys(), ...(await Promise.all(npmrcs.map(npmrcKeys))).flat()];
  return !keys.every(inert);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * `spec` rewritten to run its npm script without npm when that is provably what npm would do,
 * else `spec` itself. See the note above for what "provably" takes.
 */
export async function directNpmScript(
  spec: CommandSpec,
  runner: { kind: SandboxKind },
): Promise<CommandSpec> {
  if (spec.file !== 'npm' || spec.network) return spec;
  const wanted = scriptName(spec.args);
  const path = spec.env.PATH ?? '';
  const found = findExecutable('npm', path);
  const npm = found && (await realpath(found).catch(() => undefined));
  if (!wanted || !npm || !findExecutable('sh', path)) return spec;
  const packageJson = join(spec.cwd, 'package.json');
  const text = await readFile(packageJson, 'utf8').catch(() => undefined);
  const pkg = packageSchema.safeParse(text === undefined ? undefined : safeJson(text));
  if (!pkg.success || pkg.data.workspaces !== undefined) return spec;
  const scripts = pkg.data.scripts ?? {};
  const script = (name: string) => {
    const line = scripts[name];
    return typeof line === 'string' ? line : undefined;
  };
  const main = script(wanted.name);
  if (main === undefined || (await npmConfigured(spec, npm, runner.kind === 'bubblewrap'))) {
    return spec;
  }
  const { name, version } = pkg.data;
  const id = name && version ? `${name}@${version} ` : '';
  const steps = [`pre${wanted.name}`, wanted.name, `post${wanted.name}`].flatMap((event) => {
    const line = script(event);
    return line === undefined ? [] : [`${id}${event}`, event, line];
  });
  return {
    ...spec,
    file: 'sh',
    args: ['-c', RUN_IN_TURN, 'sh', ...steps],
    env: {
      ...spec.env,
      PATH: [...binFolders(spec.cwd), path].join(delimiter),
      INIT_CWD: spec.cwd,
      npm_command: wanted.command,
      npm_package_json: packageJson,
      ...(name ? { npm_package_name: name } : {}),
      ...(version ? { npm_package_version: version } : {}),
      npm_execpath: npm,
    },
  };
}
