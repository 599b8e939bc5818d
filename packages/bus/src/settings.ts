import { ConfigError } from '@codegod/protocol';
import { z } from 'zod';

/** One setting: its environment variable and its schema (which carries the default). */
export interface SettingSpec {
  env: string;
  schema: z.ZodType;
}

/** Environment variables hold strings; numeric settings accept both. */
export const intSetting = (min: number, fallback: number) =>
  z.coerce.number().int().min(min).default(fallback);

/**
 * Applies defaults once and rejects bad values: an explicit option wins over its environment
 * variable. Throws ConfigError naming the option and the variable.
 */
export function resolveSettings<S extends Record<string, SettingSpec>>(
  specs: S,
  options: Partial<Record<keyof S, unknown>>,
  env: Record<string, string | undefined>,
): { [K in keyof S]: z.output<S[K]['schema']> } {
  const resolved: Record<string, unknown> = {};
  for (const [option, spec] of Object.entries(specs)) {
    const explicit = options[option as keyof S];
    const fromEnv = env[spec.env] === '' ? undefined : env[spec.env];
    const raw = explicit ?? fromEnv;
    const parsed = spec.schema.safeParse(raw);
    if (!parsed.success) {
      const problem = parsed.error.issues.map((issue) => issue.message).join('; ');
      throw new ConfigError(
        option,
        explicit === undefined ? spec.env : undefined,
        `${problem} (got ${JSON.stringify(raw)})`,
      );
    }
    resolved[option] = parsed.data;
  }
  return resolved as { [K in keyof S]: z.output<S[K]['schema']> };
}
