import { stripTerminalControls } from './strip-terminal-controls.js';

/**
 * `text` as one short, printable line: control sequences stripped, every run of whitespace
 * (newlines included) made one space, cut to `maxChars`. For quoting what a server or a model
 * sent inside a one-line error message.
 */
export function oneLine(text: string, maxChars = 200): string {
  // Only the start is cleaned, so a hostile 200 MB text is not scanned whole.
  const head = text.length > maxChars * 4 ? text.slice(0, maxChars * 4) : text;
  const line = stripTerminalControls(head).replace(/\s+/g, ' ').trim();
  if (head === text && line.length <= maxChars) return line;
  return `${line.slice(0, maxChars)}… (${text.length} characters in all)`;
}
