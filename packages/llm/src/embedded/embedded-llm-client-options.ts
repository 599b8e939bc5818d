import { defineSettings, type SettingValues } from '@codegod/config';
import type { TokenMeter } from '@codegod/protocol';
import { z } from 'zod';
import { GENERATION_SETTINGS } from '../llm-client-options.js';

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

const EMBEDDED_LLM_CLIENT_SETTINGS = defineSettings({
  modelPath: {
    env: 'LLM_MODEL_PATH',
    flag: '--llm-url local:PATH',
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
  ...GENERATION_SETTINGS,
});

/** The embedded client's options with every default applied and every value checked. */
export type ResolvedEmbeddedLlmClientOptions = SettingValues<
  typeof EMBEDDED_LLM_CLIENT_SETTINGS.specs
> &
  Pick<EmbeddedLlmClientOptions, 'tokenMeter'>;

/** Applies env fallbacks and defaults once; throws ConfigError naming the option and its variable. */
export function resolveEmbeddedLlmClientOptions(
  options: EmbeddedLlmClientOptions = {},
): ResolvedEmbeddedLlmClientOptions {
  const { env = process.env, tokenMeter, ...given } = options;
  return { ...EMBEDDED_LLM_CLIENT_SETTINGS.resolve(given, env), tokenMeter };
}
