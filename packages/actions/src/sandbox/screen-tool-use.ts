import { basename } from 'node:path';
import { RefusedToolUseError } from '../errors/refused-tool-use-error.js';

/** What screening learned about a command that passed. */
export interface ToolUse {
  /** It installs or removes dependencies (or makes a venv): run it holding the install lock. */
  mutatesDependencies: boolean;
  /** Requirements and constraints files pip will read (`-r`, `-c`), as given. */
  requirementFiles: string[];
}

/**
 * pip options refused on the command line and in requirements files: they install somewhere
 * other than the venv (`--user` writes the real home) or take packages from a source the plan
 * names instead of the operator (set indexes with PIP_INDEX_URL / PIP_FIND_LINKS).
 */
export const PIP_REFUSED_OPTIONS = [
  '--user',
  '--target',
  '--prefix',
  '--root',
  '--src',
  '--index-url',
  '--extra-index-url',
  '--find-links',
  '--trusted-host',
  '--no-index',
] as const;
/** Short forms of refused pip options: -t (target), -i (index url), -f (find links). */
const PIP_REFUSED_SHORT = 'tif';
/** pip short options whose value follows them (so the rest of a cluster is a value). */
const PIP_VALUE_SHORT = 'rcedtifb';
/** pip subcommands refused: `config` rewrites pip.conf files outside the workspace. */
const PIP_REFUSED_COMMANDS = ['config'];
const PIP_MUTATING_COMMANDS = ['install', 'uninstall'];

/** npm subcommands refused: configuration, credentials and the registry, and the global prefix. */
const NPM_REFUSED_COMMANDS = [
  'config',
  'c',
  'set',
  'link',
  'ln',
  'login',
  'logout',
  'adduser',
  'add-user',
  'publish',
  'unpublish',
  'deprecate',
  'dist-tag',
  'owner',
  'access',
  'token',
  'team',
  'org',
  'profile',
  'hook',
  'star',
  'unstar',
];
/** npm subcommands (and their aliases) that change node_modules or the lock file. */
const NPM_MUTATING_COMMANDS = [
  'install',
  'i',
  'in',
  'ins',
  'inst',
  'insta',
  'instal',
  'isnt',
  'isnta',
  'isntal',
  'isntall',
  'add',
  'ci',
  'clean-install',
  'ic',
  'install-clean',
  'isntall-clean',
  'install-test',
  'it',
  'install-ci-test',
  'cit',
  'uninstall',
  'unlink',
  'remove',
  'rm',
  'r',
  'un',
  'update',
  'up',
  'upgrade',
  'udpate',
  'dedupe',
  'ddp',
  'prune',
  'rebuild',
  'rb',
];

/** `--name` of a long option (before any `=`). */
const optionName = (argument: string) => argument.split('=')[0]!;

/** True when `name` is `option` or an abbreviation of it (optparse and nopt accept both). */
function names(option: string, name: string, minimum = 4): boolean {
  return name === option || (name.length >= minimum && option.startsWith(name));
}

function screenPip(args: readonly string[], refuse: (error: RefusedToolUseError) => void): ToolUse {
  const requirementFiles: string[] = [];
  let subcommand: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const argument = args[i]!;
    if (argument.startsWith('--')) {
      const name = optionName(argument);
      // `--pre` is a real option, although it also abbreviates `--prefix`.
      const refused = name !== '--pre' && PIP_REFUSED_OPTIONS.find((o) => names(o, name, 5));
      if (refused) {
        refuse(
          new RefusedToolUseError(
            `pip ${refused} installs outside the venv or from a source the plan picks; it is refused.`,
          ),
        );
      }
      if (names('--requirement', name) || names('--constraint', name)) {
        const value = argument.includes('=')
          ? argument.slice(argument.indexOf('=') + 1)
          : args[++i];
        if (value !== undefined) requirementFiles.push(value);
      }
    } else if (argument.startsWith('-') && argument.length > 1) {
      for (let j = 1; j < argument.length; j++) {
        const letter = argument[j]!;
        if (PIP_REFUSED_SHORT.includes(letter)) {
          refuse(
            new RefusedToolUseError(
              `pip -${letter} (in ${JSON.stringify(argument)}) installs outside the venv or from a source the plan picks; it is refused.`,
            ),
          );
        }
        if (!PIP_VALUE_SHORT.includes(letter)) continue;
        const value = j + 1 < argument.length ? argument.slice(j + 1) : args[++i];
        if ((letter === 'r' || letter === 'c') && value !== undefined) requirementFiles.push(value);
        break;
      }
    } else {
      subcommand ??= argument;
    }
  }
  if (subcommand !== undefined && PIP_REFUSED_COMMANDS.includes(subcommand)) {
    refuse(
      new RefusedToolUseError(
        `pip ${subcommand} rewrites pip's configuration outside the workspace; it is refused.`,
      ),
    );
  }
  return {
    mutatesDependencies: subcommand !== undefined && PIP_MUTATING_COMMANDS.includes(subcommand),
    requirementFiles,
  };
}

function screenNpm(args: readonly string[], refuse: (error: RefusedToolUseError) => void): ToolUse {
  let subcommand: string | undefined;
  for (const argument of args) {
    if (argument === '--') break; // what follows goes to a script, not to npm
    const name = optionName(argument);
    if (name === '-g' || names('--global', name) || names('--location', name, 5)) {
      refuse(
        new RefusedToolUseError(
          `npm ${argument} works on the global prefix outside the workspace; it is refused.`,
        ),
      );
    }
    if (!argument.startsWith('-')) subcommand ??= argument;
  }
  if (subcommand !== undefined && NPM_REFUSED_COMMANDS.includes(subcommand)) {
    refuse(
      new RefusedToolUseError(
        `npm ${subcommand} touches npm's configuration, credentials, the registry or the global prefix; it is refused.`,
      ),
    );
  }
  return {
    mutatesDependencies: subcommand !== undefined && NPM_MUTATING_COMMANDS.includes(subcommand),
    requirementFiles: [],
  };
}

const NOTHING: ToolUse = { mutatesDependencies: false, requirementFiles: [] };

/**
 * Screens how a command uses pip (`pip`, `venv/bin/pip`, `python3 -m pip`) and npm, throwing
 * RefusedToolUseError for uses that reach outside the workspace. Defence in depth: under
 * bubblewrap these would fail on the read-only filesystem anyway; under `none` they would not.
 * With `refuse: false` it only classifies (the isolation suite's unscreened runs).
 */
export function screenToolUse(
  command: string,
  args: readonly string[],
  options: { refuse?: boolean } = {},
): ToolUse {
  const refuse = (error: RefusedToolUseError) => {
    if (options.refuse ?? true) throw error;
  };
  const tool = basename(command);
  if (/^pip(\d+(\.\d+)?)?$/.test(tool)) return screenPip(args, refuse);
  if (tool === 'npm') return screenNpm(args, refuse);
  if (/^python(\d+(\.\d+)?)?$/.test(tool)) {
    const module =
      args[0] === '-m' ? args[1] : args[0]?.startsWith('-m') ? args[0].slice(2) : undefined;
    const rest = args.slice(args[0] === '-m' ? 2 : 1);
    if (module === 'pip') return screenPip(rest, refuse);
    if (module === 'venv') return { mutatesDependencies: true, requirementFiles: [] };
  }
  return NOTHING;
}
