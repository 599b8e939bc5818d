import { ConfigError } from '@codegod/protocol';
import { z } from 'zod';

/** Where settings are read from when a caller does not give them. */
export type Environment = Readonly<Record<string, string | undefined>>;

/** One setting: the environment variable and CLI flag that set it, and what it may be. */
export interface SettingSpec {
  /** The environment variable behind it, e.g. `VLLM_API_URL`. None for a setting only code gives. */
  env?: string;
  /** The CLI flag behind it, where there is one, e.g. `--llm-url`. */
  flag?: string;
  /** Checks (and coerces) the value; its `.default()` is the setting's default. */
  schema: z.ZodType;
}

/** A group of settings, each named by its option. */
export type SettingSpecs = Record<string, SettingSpec>;

/** The values of a group of settings, with defaults applied and every value checked. */
export type SettingValues<S extends SettingSpecs> = { [K in keyof S]: z.output<S[K]['schema']> };

/** A group of settings: its specs, and how to resolve them from options and the environment. */
export interface Settings<S extends SettingSpecs> {
  /** The specs, for docs and for callers that name a setting's variable or flag. */
  readonly specs: S;
  /**
   * Applies defaults once and rejects bad values: a given option wins over its environment
   * variable, and a blank variable counts as unset. Throws ConfigError naming the option, its
   * flag and its variable.
   */
  resolve(given?: { readonly [K in keyof S]?: unknown }, env?: Environment): SettingValues<S>;
}

/** Environment variables hold strings; numeric settings accept both. */
export const intSetting = (min: number, fallback: number) =>
  z.coerce.number().int().min(min).default(fallback);

/** A whole number of at least `min`, given in code (no string coercion). */
export const wholeNumberSetting = (min: number, fallback: number) =>
  z.number().int().min(min).max(Number.MAX_SAFE_INTEGER).default(fallback);

/** A URL setting whose protocol is one of `protocols` (e.g. `['http:', 'https:']`). */
export const urlSetting = (protocols: readonly string[]) =>
  z
    .string()
    .trim()
    .refine(
      (value) => {
        try {
          return protocols.includes(new URL(value).protocol);
        } catch {
          return false;
        }
      },
      `expected a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`,
    );

/** How a group of settings is named. */
export interface SettingsOptions {
  /**
   * The option these settings are fields of, e.g. `limits` for `createAgent({ limits })`:
   * errors then name `limits.maxIterations`. Default: none, the settings are options themselves.
   */
  within?: string;
}

/** The one way codegod reads settings: environment variable, then zod, then ConfigError. */
export function defineSettings<const S extends SettingSpecs>(
  specs: S,
  options: SettingsOptions = {},
): Settings<S> {
  const named = (option: string) => (options.within ? `${options.within}.${option}` : option);
  return {
    specs,
    resolve(given = {}, env = process.env) {
      const resolved: Record<string, unknown> = {};
      for (const [option, spec] of Object.entries(specs)) {
        const fromEnv = spec.env && env[spec.env]?.trim() ? env[spec.env] : undefined;
        const raw = given[option as keyof S] ?? fromEnv;
        const parsed = spec.schema.safeParse(raw);
        if (!parsed.success) {
          const problem = parsed.error.issues.map((issue) => issue.message).join('; ');
          const shown =
            raw === undefined
              ? 'unset'
              : typeof raw === 'number'
                ? String(raw)
                : JSON.stringify(raw);
          throw new ConfigError(named(option), spec.env, `${problem} (got ${shown})`, spec.flag);
        }
        resolved[option] = parsed.data;
      }
      return resolved as SettingValues<S>;
    },
  };
}
