import type { TokenMeter } from '@codegod/protocol';
import { ConfigError } from '@codegod/protocol';
import { z } from 'zod';

/** Settings of `createEmbeddedLlmClient`. Each falls back to its environment variable, then a default. */
export interface EmbeddedLlmClientOptions {
  /** The GGUF model file. Env `LLM_MODEL_PATH`. Required. */
  modelPath?: string;
  /** Context size of each sequence, in tokens (at most the model's own). Env `LLM_ENGINE_CONTEXT_SIZE`. Default: 8192. */
  contextSize?: number;
  /** How many generations run at once, each in its own context sequence; the rest wait. Env `LLM_ENGINE_SEQUENCES`. Default: 1. */
  sequences?: number;
  /** CPU threads the engine uses; 0 lets node-llama-cpp choose. Env `LLM_ENGINE_THREADS`. Default: 0. */
  threads?: number;
  /** Deadline of each generation in ms, once a sequence is free. Env `LLM_TIMEOUT_MS`. Default: 120000. */
  timeoutMs?: number;
  /** How many times an invalid or cut-off reply is re-asked with its errors. Env `LLM_MAX_REPAIRS`. Default: 2. */
  maxRepairs?: number;
  /** Upper bound on completion tokens per request. Env `LLM_MAX_TOKENS`. Default: 4096. */
  maxTokens?: number;
  /** Sampling temperature, 0..2. Env `LLM_TEMPERATURE`. Default: 0.2. */
  temperature?: number;
  /** Where spent tokens are recorded. Default: none. */
  tokenMeter?: TokenMeter;
  /** Where unset options are read from. Default: `process.env`. */
  env?: Record<string, string | undefined>;
}

const positiveInt = (max: number) => z.coerce.number().int().min(1).max(max);

const SETTINGS = {
  modelPath: {
    env: 'LLM_MODEL_PATH',
    schema: z
      .string({ error: 'expected the path of a .gguf model file' })
      .trim()
      .min(1, 'expected the path of a .gguf model file'),
  },
  contextSize: { env: 'LLM_ENGINE_CONTEXT_SIZE', schema: positiveInt(1_048_576).default(8192) },
  sequences: { env: 'LLM_ENGINE_SEQUENCES', schema: positiveInt(64).default(1) },
  threads: {
    env: 'LLM_ENGINE_THREADS',
    schema: z.coerce.number().int().min(0).max(1024).default(0),
  },
  timeoutMs: { env: 'LLM_TIMEOUT_MS', schema: positiveInt(3_600_000).default(120_000) },
  maxRepairs: { env: 'LLM_MAX_REPAIRS', schema: z.coerce.number().int().min(0).max(10).default(2) },
  maxTokens: { env: 'LLM_MAX_TOKENS', schema: positiveInt(1_000_000).default(4096) },
  temperature: { env: 'LLM_TEMPERATURE', schema: z.coerce.number().min(0).max(2).default(0.2) },
} as const;

type Settings = typeof SETTINGS;

/** The embedded client's options with every default applied and every value checked. */
export type ResolvedEmbeddedLlmClientOptions = {
  [K in keyof Settings]: z.output<Settings[K]['schema']>;
} & Pick<EmbeddedLlmClientOptions, 'tokenMeter'>;

/** Applies env fallbacks and defaults once; throws ConfigError naming the option and its variable. */
export function resolveEmbeddedLlmClientOptions(
  options: EmbeddedLlmClientOptions = {},
): ResolvedEmbeddedLlmClientOptions {
  const env = options.env ?? process.env;
  const resolved: Record<string, unknown> = {};
  for (const [option, setting] of Object.entries(SETTINGS)) {
    const given = options[option as keyof Settings];
    const fromEnv = env[setting.env];
    const raw = given ?? (fromEnv === '' ? undefined : fromEnv);
    const parsed = (setting.schema as z.ZodType).safeParse(raw);
    if (!parsed.success) {
      const problem = parsed.error.issues.map((issue) => issue.message).join('; ');
      const shown = raw === undefined ? 'unset' : JSON.stringify(raw);
      throw new ConfigError(option, setting.env, `${problem} (got ${shown})`);
    }
    resolved[option] = parsed.data;
  }
  return {
    ...(resolved as { [K in keyof Settings]: z.output<Settings[K]['schema']> }),
    tokenMeter: options.tokenMeter,
  };
}
