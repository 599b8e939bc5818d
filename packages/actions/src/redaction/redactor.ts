import { REDACTED, redactSecretShapes } from './secret-shapes.js';

/** Hides secrets in text and in records before they leave the worker. */
export interface Redactor {
  /** `text` with every known secret value and every secret shape replaced by `[redacted]`. */
  redact(text: string): string;
  /** A copy of `value` with every string in it redacted; objects and arrays are walked to any depth. */
  redactValue<T>(value: T): T;
}

/** Values shorter than this are never hidden on their own: they would mangle normal text. */
export const MIN_SECRET_LENGTH = 4;

/**
 * A redactor over known secret `values` plus the shapes of `redactSecretShapes`. Values are
 * replaced first, longest first, so a value containing another (or a URL holding credentials)
 * is hidden whole; a value with quotes, backslashes or newlines is also hidden in its
 * JSON-escaped form, as `print(repr(…))` or a JSON dump would show it.
 */
export function createRedactor(values: Iterable<string>): Redactor {
  const unique = new Set<string>();
  for (const value of values) {
    if (value.length < MIN_SECRET_LENGTH) continue;
    unique.add(value);
    const escaped = JSON.stringify(value).slice(1, -1);
    if (escaped !== value) unique.add(escaped);
  }
  const sorted = [...unique].sort((a, b) => b.length - a.length);
  const scan = (text: string): string => {
    let out = text;
    for (const value of sorted) {
      // includes() first: the common case (absent) then costs one native search, no allocation.
      if (out.includes(value)) out = out.split(value).join(REDACTED);
    }
    return redactSecretShapes(out);
  };
  // A task redacts the same texts again and again (its memory's history on every save, an
  // observation in its event, its memory, the role's system prompt in every LLM call), and
  // redaction is a pure function of the text here: the values are fixed for this redactor's life.
  const remembered = new Map<string, string>();
  let rememberedChars = 0;
  const sizeOf = (text: string, out: string) => text.length + (out === text ? 0 : out.length);
  const redact = (text: string): string => {
    if (text.length > MAX_REMEMBERED_CHARS) return scan(text);
    const known = remembered.get(text);
    if (known !== undefined) return known;
    const out = scan(text);
    remembered.set(text, out);
    rememberedChars += sizeOf(text, out);
    // The oldest are forgotten first.
    for (const [oldText, oldOut] of remembered) {
      if (remembered.size <= MAX_REMEMBERED_TEXTS && rememberedChars <= MAX_REMEMBERED_TOTAL) break;
      remembered.delete(oldText);
      rememberedChars -= sizeOf(oldText, oldOut);
    }
    return out;
  };
  return { redact, redactValue: (value) => mapStrings(value, redact) };
}

/** Texts a redactor remembers the redaction of. */
const MAX_REMEMBERED_TEXTS = 512;
/** Longer texts are redacted each time: they rarely repeat. */
const MAX_REMEMBERED_CHARS = 16_384;
/** Characters of texts and redactions remembered in all: about 512 KiB at most per redactor. */
const MAX_REMEMBERED_TOTAL = 262_144;

function isRecord(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value);
  return Array.isArray(value) || prototype === Object.prototype || prototype === null;
}

/**
 * Sets an own property. Plain assignment is the fast path; only `__proto__` (a key JSON.parse
 * may give), whose assignment would set the prototype instead, needs defineProperty.
 */
function define(target: object, key: string, value: unknown): void {
  if (key !== '__proto__') {
    (target as Record<string, unknown>)[key] = value;
    return;
  }
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

/**
 * A copy of `value` with `map` applied to every string in it. Arrays and plain objects are
 * copied; other objects (dates, errors) are kept as they are. Iterative, so a record nested
 * 100,000 levels deep (an LLM can send one) cannot overflow the stack; shared and cyclic
 * references are copied once.
 */
export function mapStrings<T>(value: T, map: (text: string) => string): T {
  if (typeof value === 'string') return map(value) as T;
  if (!isRecord(value)) return value;
  const copies = new Map<object, object>();
  const copyOf = (source: object): { copy: object; fresh: boolean } => {
    const known = copies.get(source);
    if (known) return { copy: known, fresh: false };
    const copy = Array.isArray(source) ? [] : {};
    copies.set(source, copy);
    return { copy, fresh: true };
  };
  const root = copyOf(value).copy;
  const stack: Array<[Record<string, unknown>, object]> = [[value, root]];
  while (stack.length > 0) {
    const [source, target] = stack.pop()!;
    for (const key of Object.keys(source)) {
      const item = source[key];
      if (typeof item === 'string') define(target, key, map(item));
      else if (isRecord(item)) {
        const { copy, fresh } = copyOf(item);
        define(target, key, copy);
        if (fresh) stack.push([item, copy]);
      } else define(target, key, item);
    }
  }
  return root as T;
}
