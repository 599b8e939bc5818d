import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { RefusedToolUseError } from '../errors/refused-tool-use-error.js';
import { resolveInside } from './resolve-inside.js';

/**
 * Options a requirements file may carry, by long name (short forms: -r, -c, -e). Everything
 * else is refused, above all what installs elsewhere (--target, --prefix, --root, --user,
 * --src) or takes packages from elsewhere (-i, --index-url, --extra-index-url, -f,
 * --find-links, --trusted-host, --no-index): pip obeys options in the file as on its command line.
 */
export const REQUIREMENTS_FILE_OPTIONS = [
  '--requirement',
  '--constraint',
  '--editable',
  '--pre',
  '--prefer-binary',
  '--only-binary',
  '--no-binary',
  '--require-hashes',
  '--hash',
] as const;

const SHORT: Record<string, string> = {
  '-r': '--requirement',
  '-c': '--constraint',
  '-e': '--editable',
};
/** Options whose value names another file or a project folder. */
const PATH_OPTIONS = new Set(['--requirement', '--constraint', '--editable']);
/** Options that take a value (given after `=` or as the next word). */
const VALUE_OPTIONS = new Set([...PATH_OPTIONS, '--only-binary', '--no-binary', '--hash']);
/** Nested -r / -c files followed before the file counts as a loop. */
const MAX_DEPTH = 10;

/** Logical lines: continuations (`\` at the end) joined, comments and blanks dropped. */
function logicalLines(text: string): { number: number; line: string }[] {
  const lines: { number: number; line: string }[] = [];
  let pending = '';
  let start = 0;
  text.split(/\r?\n/).forEach((raw, index) => {
    if (pending === '') start = index + 1;
    if (raw.endsWith('\\')) {
      pending += `${raw.slice(0, -1)} `;
      return;
    }
    const line = `${pending}${raw}`.replace(/(^|\s)#.*$/, '').trim();
    pending = '';
    if (line !== '') lines.push({ number: start, line });
  });
  return lines;
}

/** `--name=value`, `--name value`, `-xvalue` or `-x value` → [long name, value, tokens used]. */
function parseOption(tokens: readonly string[], at: number): [string, string | undefined, number] {
  const token = tokens[at]!;
  if (token.startsWith('--')) {
    const equals = token.indexOf('=');
    if (equals !== -1) return [token.slice(0, equals), token.slice(equals + 1), 1];
    return VALUE_OPTIONS.has(token) ? [token, tokens[at + 1], 2] : [token, undefined, 1];
  }
  const long = SHORT[token.slice(0, 2)] ?? token.slice(0, 2);
  if (token.length > 2) return [long, token.slice(2).replace(/^=/, ''), 1];
  return VALUE_OPTIONS.has(long) ? [long, tokens[at + 1], 2] : [long, undefined, 1];
}

const isUrl = (value: string) => /^[a-z][a-z0-9+.-]*:/i.test(value) || value.includes('://');

/**
 * Refuses a requirements file (and the files it includes with -r / -c) that carries options
 * outside REQUIREMENTS_FILE_OPTIONS, URLs or direct references (`name @ url`), environment
 * variables (pip expands `${VAR}`), or paths that leave the workspace.
 */
export async function screenRequirementsFile(
  workspace: string,
  file: string,
  cwd: string,
  seen: Set<string> = new Set(),
): Promise<void> {
  const path = await resolveInside(workspace, file);
  if (seen.has(path)) return;
  if (seen.size >= MAX_DEPTH) {
    throw new RefusedToolUseError(`Requirements files nest deeper than ${MAX_DEPTH} levels.`);
  }
  seen.add(path);
  const text = await readFile(path, 'utf8').catch(() => undefined);
  if (text === undefined) return; // missing: pip says so itself
  const where = (number: number) => `${file} line ${number}`;
  const refuse = (number: number, problem: string) => {
    throw new RefusedToolUseError(
      `${where(number)}: ${problem}. Requirements files may name packages and use ` +
        `${REQUIREMENTS_FILE_OPTIONS.join(', ')} (and -r, -c, -e) with paths inside the workspace.`,
    );
  };
  for (const { number, line } of logicalLines(text)) {
    if (line.includes('${')) refuse(number, 'pip would expand an environment variable there');
    const tokens = line.split(/\s+/);
    let at = 0;
    if (!tokens[0]!.startsWith('-')) {
      // A requirement: name, extras, versions and markers up to its first option.
      while (at < tokens.length && !tokens[at]!.startsWith('--')) at++;
      const requirement = tokens.slice(0, at).join(' ');
      if (requirement.includes('@') || isUrl(requirement)) {
        refuse(number, `${JSON.stringify(requirement)} is a direct reference or URL`);
      }
      if (/^[./~]/.test(requirement) || /\.(whl|zip|tar\.gz)$/.test(requirement)) {
        await insideBoth(number, requirement);
      }
    }
    while (at < tokens.length) {
      const [name, value, used] = parseOption(tokens, at);
      at += used;
      if (!(REQUIREMENTS_FILE_OPTIONS as readonly string[]).includes(name)) {
        refuse(number, `option ${name} is not allowed`);
      }
      if (!PATH_OPTIONS.has(name)) continue;
      if (value === undefined || value === '') refuse(number, `${name} needs a value`);
      if (isUrl(value!)) refuse(number, `${name} ${value} is a URL`);
      if (name === '--editable') {
        await insideBoth(number, value!);
      } else {
        // pip reads a nested file relative to the file that names it.
        await screenRequirementsFile(workspace, resolve(dirname(path), value!), cwd, seen);
      }
    }
  }

  async function insideBoth(number: number, value: string): Promise<void> {
    if (value.startsWith('~')) refuse(number, `${value} is in the home folder`);
    for (const base of [dirname(path), cwd]) {
      await resolveInside(workspace, resolve(base, value)).catch(() =>
        refuse(number, `${value} is outside the workspace`),
      );
    }
  }
}
