/**
 * The deepest nesting of arrays and objects any codegod record may carry. JSON.parse copes with
 * any depth, but JSON.stringify, structured clone and most validators recurse, so a reply nested
 * 100,000 levels deep parses fine and then overflows the stack when the run report is saved.
 * Real plans and task graphs stay under ten levels.
 */
export const MAX_JSON_NESTING_DEPTH = 64;

/**
 * How deeply the arrays and objects in the JSON `text` nest (0 for a scalar), found by one scan
 * that skips strings and never recurses. Stops counting, and returns early, as soon as the depth
 * passes `stopAbove`. Works on malformed text too: it only counts brackets outside strings.
 */
export function jsonNestingDepth(text: string, stopAbove = Number.POSITIVE_INFINITY): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const char = text.charCodeAt(index);
    if (inString) {
      if (char === 0x5c /* \ */) index++;
      else if (char === 0x22 /* " */) inString = false;
      continue;
    }
    if (char === 0x22) inString = true;
    else if (char === 0x5b /* [ */ || char === 0x7b /* { */) {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > stopAbove) return deepest;
      }
    } else if (char === 0x5d /* ] */ || char === 0x7d /* } */) depth = Math.max(0, depth - 1);
  }
  return deepest;
}
