/** Shortest line of key material hidden on its own; the last line of a base64 body is short. */
const MIN_KEY_LINE = 16;

const HEADER = /-----BEGIN [A-Z0-9 ]{0,60}PRIVATE KEY(?: BLOCK)?-----/g;

/** True when `text` holds a private key: a PEM/OpenSSH/PGP block header or a PuTTY key file. */
export function holdsPrivateKey(text: string): boolean {
  HEADER.lastIndex = 0;
  return text.startsWith('PuTTY-User-Key-File-') || HEADER.test(text);
}

/** Splits key material on real newlines and on `\n` escapes (a key inside a JSON string). */
function keyLines(body: string): string[] {
  return body
    .split(/\r?\n|\\n/)
    .map((line) => line.trim())
    .filter((line) => line.length >= MIN_KEY_LINE && !line.includes(': ') && !line.startsWith('-'));
}

/**
 * The key material of every private key in a file's text, as values to hide wherever they
 * show up again: each body line of 16 characters or more (output may show a key in part), and
 * each body joined into one line. Header lines (`Proc-Type: …`) and the BEGIN/END lines are
 * not secret and are left out.
 */
export function privateKeyValues(text: string): string[] {
  const values: string[] = [];
  if (text.startsWith('PuTTY-User-Key-File-')) return keyLines(text);
  HEADER.lastIndex = 0;
  for (let match = HEADER.exec(text); match; match = HEADER.exec(text)) {
    const start = match.index + match[0].length;
    const end = text.indexOf('-----END ', start);
    const lines = keyLines(text.slice(start, end === -1 ? undefined : end));
    values.push(...lines);
    if (lines.length > 1) values.push(lines.join(''));
    if (end !== -1) HEADER.lastIndex = end;
  }
  return values;
}
