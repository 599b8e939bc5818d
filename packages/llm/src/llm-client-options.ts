import type { TokenMeter } from '@codegod/protocol';
import { ConfigError } from '@codegod/protocol';
import { z } from 'zod';
import { serverKindSettingSchema } from './server-kind.js';

/** Settings of `createLlmClient`. Each one falls back to its environment variable, then a default. */
export interface LlmClientOptions {
  /** Base URL of the OpenAI-compatible API, ending in `/v1`. Env `VLLM_API_URL`. Default: `http://localhost:8000/v1`. */
  baseURL?: string;
  /** API key; vLLM, Ollama and llama.cpp accept anything. Env `LLM_API_KEY`. Default: `EMPTY`. */
  apiKey?: string;
  /** The served model name. Env `LLM_MODEL`. Default: `meta-llama/Meta-Llama-3.1-8B-Instruct`. */
  model?: string;
  /**
   * Deadline of each request in ms, from sending it to the last byte of the reply (each re-ask
   * gets its own). Env `LLM_TIMEOUT_MS`. Default: 120000.
   */
  timeoutMs?: number;
  /** Most requests this process keeps in flight at once; the rest wait. Env `LLM_MAX_CONCURRENCY`. Default: 8. */
  maxConcurrency?: number;
  /** How many times an invalid or cut-off reply is re-asked with its errors. Env `LLM_MAX_REPAIRS`. Default: 2. */
  maxRepairs?: number;
  /** Upper bound on completion tokens per request. Env `LLM_MAX_TOKENS`. Default: 4096. */
  maxTokens?: number;
  /** Sampling temperature, 0..2. Env `LLM_TEMPERATURE`. Default: 0.2. */
  temperature?: number;
  /** Deadline of `health()` in ms, the reply body included. Env `LLM_HEALTH_TIMEOUT_MS`. Default: 5000. */
  healthTimeoutMs?: number;
  /**
   * Largest reply body read from the server, in bytes (decompressed); a larger reply fails with
   * LlmReplyTooLargeError and is never echoed into a repair. Env `LLM_MAX_REPLY_BYTES`.
   * Default: 4194304 (4 MiB; a 4096-token reply is about 16 KB).
   */
  maxReplyBytes?: number;
  /**
   * The kind of server, which decides the JSON schema dialect sent: `vllm`, `llama.cpp`,
   * `ollama`, `generic`, or `auto` to detect it from `GET /v1/models` (`owned_by`; generic when
   * that fails). Env `LLM_SERVER_KIND`. Default: `auto`.
   */
  serverKind?: string;
  /** Where spent tokens are recorded. Default: none. */
  tokenMeter?: TokenMeter;
  /** The fetch used for HTTP (tests, proxies). Default: the global fetch. */
  fetch?: typeof fetch;
  /** Where unset options are read from. Default: `process.env`. */
  env?: Record<string, string | undefined>;
}

const httpUrl = z
  .string()
  .trim()
  .refine((value) => {
    try {
      return ['http:', 'https:'].includes(new URL(value).protocol);
    } catch {
      return false;
    }
  }, 'expected a URL starting with http:// or https://');

const positiveInt = (max: number) => z.coerce.number().int().min(1).max(max);

/** Each scalar option: its environment variable, schema and default. */
const SETTINGS = {
  baseURL: { env: 'VLLM_API_URL', schema: httpUrl.default('http://localhost:8000/v1') },
  apiKey: { env: 'LLM_API_KEY', schema: z.string().min(1).default('EMPTY') },
  model: {
    env: 'LLM_MODEL',
    schema: z.string().trim().min(1).default('meta-llama/Meta-Llama-3.1-8B-Instruct'),
  },
  timeoutMs: { env: 'LLM_TIMEOUT_MS', schema: positiveInt(3_600_000).default(120_000) },
  maxConcurrency: { env: 'LLM_MAX_CONCURRENCY', schema: positiveInt(1024).default(8) },
  maxRepairs: { env: 'LLM_MAX_REPAIRS', schema: z.coerce.number().int().min(0).max(10).default(2) },
  maxTokens: { env: 'LLM_MAX_TOKENS', schema: positiveInt(1_000_000).default(4096) },
  temperature: { env: 'LLM_TEMPERATURE', schema: z.coerce.number().min(0).max(2).default(0.2) },
  healthTimeoutMs: { env: 'LLM_HEALTH_TIMEOUT_MS', schema: positiveInt(600_000).default(5000) },
  serverKind: {
    env: 'LLM_SERVER_KIND',
    schema: z.preprocess(
      (value) => (typeof value === 'string' ? value.trim().toLowerCase() : value),
      serverKindSettingSchema.default('auto'),
    ),
  },
  maxReplyBytes: {
    env: 'LLM_MAX_REPLY_BYTES',
    schema: z.coerce.number().int().min(1024).max(1_073_741_824).default(4_194_304),
  },
} as const;

type Settings = typeof SETTINGS;

/** The options with every default applied and every value checked. */
export type ResolvedLlmClientOptions = {
  [K in keyof Settings]: z.output<Settings[K]['schema']>;
} & Pick<LlmClientOptions, 'tokenMeter' | 'fetch'>;

/**
 * Applies env fallbacks and defaults once; throws ConfigError naming the option and its
 * environment variable when a value is bad.
 */
export function resolveLlmClientOptions(options: LlmClientOptions = {}): ResolvedLlmClientOptions {
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
  if (options.fetch !== undefined && typeof options.fetch !== 'function')
    throw new ConfigError('fetch', undefined, 'expected a fetch function');
  if (options.tokenMeter !== undefined && typeof options.tokenMeter.record !== 'function')
    throw new ConfigError('tokenMeter', undefined, 'expected an object with record(usage, labels)');
  return {
    ...(resolved as { [K in keyof Settings]: z.output<Settings[K]['schema']> }),
    tokenMeter: options.tokenMeter,
    fetch: options.fetch,
  };
}
