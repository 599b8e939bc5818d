/** One `NAME=value` of a .env file, unquoted and unescaped as dotenv reads it. */
export interface EnvFileEntry {
  name: string;
  value: string;
}

/** Lines a quoted value may span before the file counts as malformed from there on. */
const MAX_VALUE_LINES = 200;

const ENTRY = /^[ \t]*(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_.-]{0,255})[ \t]*[=:][ \t]?(.*)$/;

/**
 * Parses a .env file the way dotenv and docker compose read it: `export` prefixes, `#` comments
 * (whole-line, and after an unquoted value), single, double and backtick quotes, and quoted
 * values spanning lines. Double-quoted values have `\n` expanded. Lines that are not entries
 * are skipped.
 */
export function parseEnvFile(text: string): EnvFileEntry[] {
  const lines = text.split(/\r?\n/);
  const entries: EnvFileEntry[] = [];
  for (let i = 0; i < lines.length; i++) {
    const match = ENTRY.exec(lines[i]!);
    if (!match) continue;
    const name = match[1]!;
    const rest = match[2]!.trimStart();
    const quote = rest[0];
    if (quote !== '"' && quote !== "'" && quote !== '`') {
      // Unquoted: the value ends at ` #` (a comment) and is trimmed.
      const comment = rest.search(/[ \t]#/);
      entries.push({ name, value: (comment === -1 ? rest : rest.slice(0, comment)).trim() });
      continue;
    }
    // Quoted: up to the matching quote, possibly on a later line.
    let body = rest.slice(1);
    let close = closingQuote(body, quote, 0);
    let spanned = 0;
    while (close === -1 && i + 1 < lines.length && spanned < MAX_VALUE_LINES) {
      i++;
      spanned++;
      const from = body.length + 1;
      body += `\n${lines[i]}`;
      close = closingQuote(body, quote, from);
    }
    const raw = close === -1 ? body : body.slice(0, close);
    entries.push({
      name,
      value: quote === '"' ? raw.replaceAll('\\n', '\n').replaceAll('\\"', '"') : raw,
    });
  }
  return entries;
}

/** Where `quote` closes a value in `body`, from `from` on; a double quote may be escaped. */
function closingQuote(body: string, quote: string, from: number): number {
  let at = body.indexOf(quote, from);
  while (quote === '"' && at > 0 && body[at - 1] === '\\') at = body.indexOf(quote, at + 1);
  return at;
}

/** Words in a name that mark its value as secret even when short. */
export const SECRET_ENTRY_NAME =
  /(KEY|TOKEN|PASS|PWD|SECRET|AUTH|CREDENTIAL|PRIVATE|SALT|SESSION|COOKIE|SIGNATURE|DSN)/i;

/** Values that are configuration, never secrets, whatever the name says. */
const PLAIN_VALUES = new Set(
  [
    'true',
    'false',
    'yes',
    'no',
    'on',
    'off',
    'null',
    'none',
    'nil',
    'undefined',
    'enabled',
    'disabled',
    'development',
    'production',
    'staging',
    'test',
    'testing',
    'local',
    'debug',
    'info',
    'warn',
    'warning',
    'error',
    'localhost',
    '0.0.0.0',
    '127.0.0.1',
    'utf-8',
    'utf8',
  ].map((value) => value.toLowerCase()),
);

/** A number such as a port, a count or a ratio (`3000`, `0.5`), up to 7 digits before the point. */
const NUMBER = /^[+-]?\d{1,7}(?:\.\d{1,7})?$/;
/** A plain lowercase word or slug (`postgres`, `my-app`, `app.main`). */
const PLAIN_WORD = /^[a-z._-]{1,15}$/;

/**
 * Whether the value of `name` in a .env file is treated as a secret. A .env is secret by
 * convention, so any value counts, except what is plainly configuration:
 * - never: values under 4 characters, booleans and environment words (`true`, `off`,
 *   `development`, `localhost`, …) and numbers up to 7 digits (`3000`, `0.5`);
 * - with a secret-looking name (KEY, TOKEN, PASS, SECRET, AUTH, …): everything else;
 * - with any other name: values of 8 characters or more that are not a plain lowercase word
 *   under 16 characters (`postgres`, `my-app`), so `sqlite:///app.db` and `s3cr3tvalue` count.
 */
export function isSecretEnvValue(name: string, value: string): boolean {
  const trimmed = value.trim();
  if (trimmed.length < 4 || PLAIN_VALUES.has(trimmed.toLowerCase()) || NUMBER.test(trimmed)) {
    return false;
  }
  if (SECRET_ENTRY_NAME.test(name)) return true;
  return trimmed.length >= 8 && !PLAIN_WORD.test(trimmed);
}

/** Shortest line of a multi-line value that is hidden on its own (a line of a PEM key is 64). */
const MIN_LINE_LENGTH = 8;

/**
 * The secret values of a .env file's text, per `isSecretEnvValue`. A multi-line value also
 * gives each of its lines of 8 characters or more, since output may show it line by line.
 */
export function envFileSecretValues(text: string): string[] {
  const values: string[] = [];
  for (const { name, value } of parseEnvFile(text)) {
    if (!isSecretEnvValue(name, value)) continue;
    values.push(value.trim());
    if (!value.includes('\n')) continue;
    for (const line of value.split('\n')) {
      if (line.trim().length >= MIN_LINE_LENGTH) values.push(line.trim());
    }
  }
  return values;
}

/**
 * Whether a file name is a dotenv file: `.env`, `.env.*` (`.env.local`, `.env.production`),
 * `.envrc`, or `*.env` (`prod.env`).
 */
export function isEnvFileName(name: string): boolean {
  return name === '.env' || name.startsWith('.env.') || name === '.envrc' || name.endsWith('.env');
}
