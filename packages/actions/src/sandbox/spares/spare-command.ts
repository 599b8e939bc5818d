import { lstatSync, type Stats, statSync } from 'node:fs';
import { basename, delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CommandSpec } from '../command-runner.js';
import { pythonSpareArgs } from './python-gate.js';

/** The preload that holds a spare Node at its start until the go byte (see the file). */
export const NODE_GATE = fileURLToPath(new URL('../../../gates/node-gate.cjs', import.meta.url));

const PYTHON = /^python(\d+(\.\d+)?)?$/;

/**
 * The spec that starts a spare for `spec`: the same executable, cwd, env and runner options,
 * with the interpreter's gate in front of the command's own arguments. Undefined when `spec`
 * has no spare: not `node -e …`, `python -c …` or `python -m …`, or an environment that
 * would run code before the gate (NODE_OPTIONS) or after the job (PYTHONINSPECT).
 */
export function spareSpec(spec: CommandSpec): CommandSpec | undefined {
  const name = basename(spec.file);
  if (name === 'node' && spec.args[0] === '-e' && spec.args.length >= 2) {
    if (spec.env.NODE_OPTIONS !== undefined) return undefined;
    return { ...spec, args: ['-r', NODE_GATE, ...spec.args], readOnlyFiles: [NODE_GATE] };
  }
  if (PYTHON.test(name)) {
    if (spec.env.PYTHONINSPECT !== undefined) return undefined;
    const args = pythonSpareArgs(spec.args);
    return args ? { ...spec, args } : undefined;
  }
  return undefined;
}

/** The parts of a stat that change when a file is replaced, rewritten or re-linked. */
function identity(stats: Stats | undefined): string {
  if (!stats) return '-';
  return `${stats.dev}:${stats.ino}:${stats.mode}:${stats.size}:${stats.mtimeMs}:${stats.ctimeMs}`;
}

const stat = (path: string) => identity(statSync(path, { throwIfNoEntry: false }));
const lstat = (path: string) => identity(lstatSync(path, { throwIfNoEntry: false }));

/**
 * What the executable of `spec` is, as a string that changes when any file its start-up
 * depends on could have changed: for every place `spec.file` may be found (each PATH folder for
 * a bare name), the link and the file it resolves to, the folder (a new `python._pth` or
 * pyvenv.cfg beside it), and the pyvenv.cfg of a venv above it. Equal strings at spare start
 * and at job time mean a fresh start would exec the same file with the same venv.
 */
export function executableIdentity(spec: CommandSpec): string {
  const candidates = spec.file.includes('/')
    ? [resolve(spec.cwd, spec.file)]
    : (spec.env.PATH ?? '').split(delimiter).map((folder) => resolve(spec.cwd, folder, spec.file));
  return candidates
    .map((path) =>
      [
        lstat(path),
        stat(path),
        stat(dirname(path)),
        stat(join(dirname(path), 'pyvenv.cfg')),
        stat(join(dirname(dirname(path)), 'pyvenv.cfg')),
      ].join(','),
    )
    .join(';');
}
