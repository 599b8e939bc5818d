/**
 * The deepest nesting of arrays and objects any codegod record may carry. JSON.parse copes with
 * any depth, but JSON.stringify, structured clone and most validators recurse, so a reply nested
 * 100,000 levels deep parses fine and then overflows the stack when the run report is saved.
 * Real plans and task graphs stay under ten levels.
 */
export const MAX_JSON_NESTING_DEPTH = 64;

// The next bracket or quote outside a string; inside a string, the next escape pair or the
// closing quote. Jumping with regular expressions is about ten times faster than a loop over
// every character, which matters for a reply of megabytes.
const STRUCTURE = /[[\]{}"]/g;
const STRING_END = /\\[\s\S]|"/g;

/**
 * How deeply the arrays and objects in the JSON `text` nest (0 for a scalar), found by one scan
 * that skips strings and never recurses. Stops counting, and returns early, as soon as the depth
 * passes `stopAbove`. Works on malformed text too: it only counts brackets outside strings.
 */
export function jsonNestingDepth(text: string, stopAbove = Number.POSITIVE_INFINITY): number {
  let depth = 0;
  let deepest = 0;
  let index = 0;
  for (;;) {
    STRUCTURE.lastIndex = index;
    const found = STRUCTURE.exec(text);
    if (!found) return deepest;
    index = STRUCTURE.lastIndex;
    const char = found[0];
    if (char === '"') {
      STRING_END.lastIndex = index;
      let end = STRING_END.exec(text);
      while (end && end[0] !== '"') end = STRING_END.exec(text);
      // An unterminated string runs to the end: nothing after it counts.
      if (!end) return deepest;
      index = STRING_END.lastIndex;
    } else if (char === '[' || char === '{') {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > stopAbove) return deepest;
      }
    } else depth = Math.max(0, depth - 1);
  }
}
