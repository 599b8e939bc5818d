import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { defineSettings, type Environment, intSetting } from '@codegod/config';
import { z } from 'zod';

/** Where the codegod command finds a model to run in this process. */
export const MODEL_SETTINGS = defineSettings({
  /** A GGUF model file to run on the embedded engine. Default: none. */
  modelPath: {
    env: 'LLM_MODEL_PATH',
    flag: '--llm-url local:PATH',
    schema: z
      .string()
      .trim()
      .min(1)
      .transform((path) => resolve(path))
      .optional(),
  },
  /** The folder pulled models live in. Default: `~/.codegod/models`. */
  modelsDir: {
    env: 'CODEGOD_MODELS_DIR',
    schema: z
      .string()
      .trim()
      .min(1)
      .default(() => join(homedir(), '.codegod', 'models'))
      .transform((dir) => resolve(dir)),
  },
});

/** How far `codegod fleet scale` goes. */
export const SCALE_SETTINGS = defineSettings({
  /** Most replicas of one agent service `codegod fleet scale` starts. Default: 16. */
  maxReplicas: { env: 'CODEGOD_MAX_REPLICAS', schema: intSetting(1, 16) },
});

/** Most replicas `codegod fleet scale` starts. Throws ConfigError for a bad CODEGOD_MAX_REPLICAS. */
export function maxReplicas(env: Environment = process.env): number {
  return SCALE_SETTINGS.resolve({}, env).maxReplicas;
}

/** The folder pulled models live in. Throws ConfigError for a bad CODEGOD_MODELS_DIR. */
export function modelsDir(env: Environment = process.env): string {
  return MODEL_SETTINGS.resolve({}, env).modelsDir;
}
