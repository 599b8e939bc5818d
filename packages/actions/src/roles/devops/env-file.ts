/** The variables of a .env file (KEY=value lines; comments and blanks skipped, quotes kept). */
export function readEnvFile(text: string): Record<string, string> {
  const variables: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=(.*)$/.exec(raw);
    if (match) variables[match[1]!] = match[2]!.trim();
  }
  return variables;
}

/** A .env file's text for `variables`, one KEY=value line each, in the given order. */
export function writeEnvFile(variables: Record<string, string>): string {
  return Object.entries(variables)
    .map(([name, value]) => `${name}=${value}\n`)
    .join('');
}
