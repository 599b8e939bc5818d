import { stripTerminalControls } from '@codegod/protocol';

/**
 * Text a model, a command or a server wrote, made safe for the terminal: escape sequences and
 * control characters removed, newlines and tabs kept. Everything the CLI prints that it did not
 * write itself goes through here or terminalLine; JSON output needs neither (JSON escapes it).
 */
export function terminalText(text: string): string {
  return stripTerminalControls(text);
}

/** Such text as one line of at most `maxChars` characters, e.g. a table cell or a summary. */
export function terminalLine(text: string, maxChars: number): string {
  // Only the start is cleaned: a command's 200 KB output shows as its first line anyway.
  const line = stripTerminalControls(text.slice(0, maxChars * 4))
    .replace(/\s+/g, ' ')
    .trim();
  return line.length > maxChars ? `${line.slice(0, maxChars - 1)}…` : line;
}
