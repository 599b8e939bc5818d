import { EmbeddedLlmClient } from './embedded-llm-client.js';
import {
  type EmbeddedLlmClientOptions,
  resolveEmbeddedLlmClientOptions,
} from './embedded-llm-client-options.js';
import { NodeLlamaCppEngine } from './node-llama-cpp-engine.js';

/**
 * Builds the LlmClient for a GGUF model run in this process by llama.cpp (node-llama-cpp,
 * CPU). Unset options come from the environment (`LLM_MODEL_PATH`, …); a bad value throws
 * ConfigError now. The model loads on the first `health()` or `generate()`; `close()` frees it.
 */
export function createEmbeddedLlmClient(options: EmbeddedLlmClientOptions = {}): EmbeddedLlmClient {
  const resolved = resolveEmbeddedLlmClientOptions(options);
  const engine = new NodeLlamaCppEngine(resolved);
  return new EmbeddedLlmClient(engine, resolved);
}
