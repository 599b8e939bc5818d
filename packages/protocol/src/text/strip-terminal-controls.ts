// ESC-introduced sequences: CSI (colours, cursor moves, screen clears), OSC (window titles,
// hyperlinks, clipboard writes; ended by BEL or ST), DCS/SOS/PM/APC strings (ended by ST), and
// two-character escapes. Then the C0 controls except tab and newline, DEL, and the C1 controls
// (a lone 0x9b is a CSI on some terminals).
const ESCAPE_SEQUENCE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
  /\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[PX^_][^\x1b]*(?:\x1b\\)?|[ -/]*[0-~]?)/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const CONTROL_CHARACTER = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;

/**
 * `text` without terminal control sequences: what a model or a command printed, made safe to
 * show on a terminal. A hostile reply could otherwise clear the screen, rewrite earlier lines
 * (`\r`, cursor moves), set the window title or write the clipboard (OSC 52). Newlines and tabs
 * stay. JSON output needs none of this: JSON.stringify escapes every control character.
 */
export function stripTerminalControls(text: string): string {
  return text.replace(ESCAPE_SEQUENCE, '').replace(CONTROL_CHARACTER, '');
}
