import { UnsafeArgumentError } from '../errors/unsafe-argument-error.js';

/**
 * Shell metacharacters refused in arguments. Commands run without a shell, so these are inert;
 * a plan that uses them expects a shell, and refusing says so instead of silently misbehaving.
 */
const UNSAFE = [';', '|', '&', '`', '$(', '>', '<', '\n', '\r', '\0'] as const;

/** Throws UnsafeArgumentError when `argument` contains a shell metacharacter. */
export function assertSafeArgument(argument: string): void {
  const found = UNSAFE.find((token) => argument.includes(token));
  if (found !== undefined) throw new UnsafeArgumentError(argument, found);
}
