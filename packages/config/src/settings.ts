import { ConfigError, roleSchema } from '@codegod/protocol';
import { z } from 'zod';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const urlSetting = (protocols: string[]) =>
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

/** Every setting, its environment variable, its schema and its default. */
const SETTINGS = {
  /** The worker's role. Required by agent workers; `master` for the orchestrator. No default. */
  agentRole: { env: 'AGENT_ROLE', schema: roleSchema.optional() },
  /** Base URL of the OpenAI-compatible API. Default: `http://localhost:8000/v1` (vLLM). */
  llmBaseUrl: {
    env: 'VLLM_API_URL',
    schema: urlSetting(['http:', 'https:']).default('http://localhost:8000/v1'),
  },
  /** The model name the LLM server serves. Default: `meta-llama/Meta-Llama-3.1-8B-Instruct`. */
  llmModel: {
    env: 'LLM_MODEL',
    schema: z.string().trim().min(1).default('meta-llama/Meta-Llama-3.1-8B-Instruct'),
  },
  /** API key for the LLM server; vLLM and Ollama accept anything. Default: `EMPTY`. */
  llmApiKey: { env: 'LLM_API_KEY', schema: z.string().min(1).default('EMPTY') },
  /** Redis URL. When unset, codegod runs embedded with no Redis. No default. */
  redisUrl: { env: 'REDIS_URL', schema: urlSetting(['redis:', 'rediss:']).optional() },
  /** pino log level. Default: `info`. */
  logLevel: { env: 'LOG_LEVEL', schema: z.enum(LOG_LEVELS).default('info') },
} as const;

type Settings = typeof SETTINGS;

/** codegod's validated settings. */
export type CodegodConfig = { [K in keyof Settings]: z.output<Settings[K]['schema']> };

/** The environment variable behind each option. */
export const CONFIG_ENV_VARS: { readonly [K in keyof Settings]: string } = Object.fromEntries(
  Object.entries(SETTINGS).map(([option, setting]) => [option, setting.env]),
) as { [K in keyof Settings]: string };

/**
 * Loads settings from `env` (default `process.env`); `overrides` (e.g. CLI flags) win.
 * Empty strings count as unset. Throws ConfigError naming the option and variable.
 */
export function loadConfig(
  env: Record<string, string | undefined> = process.env,
  overrides: Partial<Record<keyof Settings, string | undefined>> = {},
): CodegodConfig {
  const config: Record<string, unknown> = {};
  for (const [option, setting] of Object.entries(SETTINGS)) {
    const override = overrides[option as keyof Settings];
    const raw = override ?? env[setting.env];
    const value = raw === undefined || raw === '' ? undefined : raw;
    const parsed = (setting.schema as z.ZodType).safeParse(value);
    if (!parsed.success) {
      const problem = parsed.error.issues.map((issue) => issue.message).join('; ');
      const shown = value === undefined ? 'unset' : JSON.stringify(value);
      throw new ConfigError(
        option,
        override !== undefined ? undefined : setting.env,
        `${problem} (got ${shown})`,
      );
    }
    config[option] = parsed.data;
  }
  return config as CodegodConfig;
}
