import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tempDir } from '@codegod/testkit';
import { describe, expect, it } from 'vitest';
import { EmbeddedLlmClient } from './embedded-llm-client.js';
import { ENGINE_INSTALL_HINT, NodeLlamaCppEngine } from './node-llama-cpp-engine.js';

describe('NodeLlamaCppEngine without node-llama-cpp', () => {
  it('says in one line how to add it', async () => {
    const dir = await tempDir('codegod-no-engine-');
    try {
      const modelPath = join(dir.path, 'm.gguf');
      await writeFile(modelPath, 'GGUF');
      const engine = new NodeLlamaCppEngine({
        modelPath,
        contextSize: 512,
        sequences: 1,
        threads: 1,
        importEngine: () =>
          Promise.reject(
            Object.assign(new Error("Cannot find package 'node-llama-cpp'"), {
              code: 'ERR_MODULE_NOT_FOUND',
            }),
          ),
      });
      const client = new EmbeddedLlmClient(engine, {
        sequences: 1,
        timeoutMs: 1000,
        maxRepairs: 0,
        maxTokens: 16,
        temperature: 0,
      });
      const health = await client.health();
      expect(health).toEqual({ ok: false, models: [], message: ENGINE_INSTALL_HINT });
      expect(health.message).toContain('npm install node-llama-cpp');
      expect(health.message).not.toContain('\n');
    } finally {
      await dir.remove();
    }
  });
});
