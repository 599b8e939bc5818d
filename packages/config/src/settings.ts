import { roleSchema } from '@codegod/protocol';
import { z } from 'zod';
import {
  defineSettings,
  type Environment,
  type SettingValues,
  urlSetting,
} from './define-settings.js';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** The settings every codegod process reads: role, LLM server, Redis, log level and identity. */
export const CODEGOD_SETTINGS = defineSettings({
  /** The worker's role. Required by agent workers; `master` for the orchestrator. No default. */
  agentRole: { env: 'AGENT_ROLE', schema: roleSchema.optional() },
  /** Base URL of the OpenAI-compatible API. Default: `http://localhost:8000/v1` (vLLM). */
  llmBaseUrl: {
    env: 'VLLM_API_URL',
    flag: '--llm-url',
    schema: urlSetting(['http:', 'https:']).default('http://localhost:8000/v1'),
  },
  /** The model name the LLM server serves. Default: `meta-llama/Meta-Llama-3.1-8B-Instruct`. */
  llmModel: {
    env: 'LLM_MODEL',
    flag: '--model',
    schema: z.string().trim().min(1).default('meta-llama/Meta-Llama-3.1-8B-Instruct'),
  },
  /** API key for the LLM server; vLLM and Ollama accept anything. Default: `EMPTY`. */
  llmApiKey: { env: 'LLM_API_KEY', schema: z.string().min(1).default('EMPTY') },
  /** Redis URL. When unset, codegod runs embedded with no Redis. No default. */
  redisUrl: { env: 'REDIS_URL', schema: urlSetting(['redis:', 'rediss:']).optional() },
  /** pino log level. Default: `info`. */
  logLevel: { env: 'LOG_LEVEL', schema: z.enum(LOG_LEVELS).default('info') },
  /** This process's agent id in the fleet. Default: one made from the role, host and pid. */
  agentId: { env: 'AGENT_ID', schema: z.string().trim().min(1).optional() },
  /** The folder that holds every workspace on the fleet's machines. Default: none. */
  workspaceRoot: { env: 'WORKSPACE_ROOT', schema: z.string().min(1).optional() },
});

/** codegod's validated settings. */
export type CodegodConfig = SettingValues<typeof CODEGOD_SETTINGS.specs>;

/**
 * Loads settings from `env` (default `process.env`); `overrides` (e.g. CLI flags) win.
 * Empty strings count as unset. Throws ConfigError naming the option, flag and variable.
 */
export function loadConfig(
  env: Environment = process.env,
  overrides: Partial<Record<keyof CodegodConfig, string | undefined>> = {},
): CodegodConfig {
  const given = Object.fromEntries(
    Object.entries(overrides).filter(([, value]) => value !== undefined && value !== ''),
  );
  return CODEGOD_SETTINGS.resolve(given, env);
}

/** LOG_LEVEL alone, for the logger made before the rest of the settings are read. */
const LOG_LEVEL_SETTING = defineSettings({ logLevel: CODEGOD_SETTINGS.specs.logLevel });

/**
 * The level of the logger a service makes before `loadConfig`, so that a config error can be
 * logged: LOG_LEVEL read through CODEGOD_SETTINGS, or `info` when it is bad (`loadConfig`
 * then reports it as a ConfigError).
 */
export function logLevelBeforeConfig(env: Environment = process.env): CodegodConfig['logLevel'] {
  try {
    return LOG_LEVEL_SETTING.resolve({}, env).logLevel;
  } catch {
    return 'info';
  }
}
