import type { LlmClient } from './llm-client.js';
import { type LlmClientOptions, resolveLlmClientOptions } from './llm-client-options.js';
import { OpenAiCompatibleLlmClient } from './openai-compatible-llm-client.js';

/**
 * Builds the LlmClient for an OpenAI-compatible server. Unset options come from the
 * environment (`VLLM_API_URL`, `LLM_MODEL`, …); a bad value throws ConfigError now, not on
 * the first call.
 */
export function createLlmClient(options: LlmClientOptions = {}): LlmClient {
  return new OpenAiCompatibleLlmClient(resolveLlmClientOptions(options));
}
