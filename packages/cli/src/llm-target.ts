import { resolve } from 'node:path';
import { CODEGOD_SETTINGS, type Environment } from '@codegod/config';
import { CodegodError } from '@codegod/protocol';
import { MODEL_SETTINGS } from './cli-settings.js';
import { pulledModels } from './models/models-dir.js';

/** Which LLM a run talks to: an OpenAI-compatible server, or a GGUF file run in this process. */
export type LlmTarget =
  | { kind: 'server'; baseURL?: string }
  | { kind: 'local'; modelPath: string; why: string };

const LOCAL = 'local:';

/**
 * Picks the LLM: `--llm-url local:PATH` or `LLM_MODEL_PATH` runs the embedded engine;
 * `--llm-url URL` or `VLLM_API_URL` a server; with neither, and no `REDIS_URL`, the newest
 * pulled model (`codegod models pull`) when there is one; else the default server URL.
 */
export async function resolveLlmTarget(
  llmUrl: string | undefined,
  env: Environment = process.env,
): Promise<LlmTarget> {
  const given = llmUrl?.trim();
  if (given?.startsWith(LOCAL)) {
    const path = given.slice(LOCAL.length).trim();
    if (path === '')
      throw new CodegodError('usage', '--llm-url local:PATH needs the path of a .gguf model file');
    return { kind: 'local', modelPath: resolve(path), why: '--llm-url' };
  }
  if (given) return { kind: 'server', baseURL: given };
  const { modelPath, modelsDir } = MODEL_SETTINGS.resolve({}, env);
  if (modelPath) return { kind: 'local', modelPath, why: 'LLM_MODEL_PATH' };
  const { llmBaseUrl, redisUrl } = CODEGOD_SETTINGS.specs;
  if (env[llmBaseUrl.env]?.trim() || env[redisUrl.env]?.trim()) return { kind: 'server' };
  const [newest] = await pulledModels(modelsDir);
  if (newest) return { kind: 'local', modelPath: newest.path, why: 'the newest pulled model' };
  return { kind: 'server' };
}
