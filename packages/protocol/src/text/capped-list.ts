/**
 * The first `max` of `items`, then one more item saying how many were left out ("and N more"),
 * so a message about a hostile input (10,000 cycles, 5,000 schema issues) stays a few lines.
 */
export function cappedList(
  items: readonly string[],
  max: number,
  describeRest: (count: number) => string = (count) => `and ${count} more`,
): string[] {
  if (items.length <= max) return [...items];
  return [...items.slice(0, max), describeRest(items.length - max)];
}

/** `text` cut to at most `maxChars` characters, saying how much was cut. */
export function cappedText(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  return `${text.slice(0, maxChars)}… (${text.length - maxChars} more characters cut)`;
}
