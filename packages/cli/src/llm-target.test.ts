import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { tempDir } from '@codegod/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveLlmTarget } from './llm-target.js';

describe('resolveLlmTarget', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  beforeAll(async () => {
    dir = await tempDir('codegod-target-');
    await writeFile(join(dir.path, 'pulled.gguf'), 'GGUF');
  });
  afterAll(() => dir.remove());
  const models = () => ({ CODEGOD_MODELS_DIR: dir.path });

  it('runs local:PATH and LLM_MODEL_PATH on the embedded engine', async () => {
    expect(await resolveLlmTarget('local:m.gguf', {})).toEqual({
      kind: 'local',
      modelPath: resolve('m.gguf'),
      why: '--llm-url',
    });
    expect(await resolveLlmTarget(undefined, { LLM_MODEL_PATH: '/m/x.gguf' })).toMatchObject({
      kind: 'local',
      modelPath: '/m/x.gguf',
      why: 'LLM_MODEL_PATH',
    });
    await expect(resolveLlmTarget('local:', {})).rejects.toThrow(/local:PATH needs the path/);
  });

  it('uses the newest pulled model only when no server, model path or fleet is named', async () => {
    expect(await resolveLlmTarget(undefined, models())).toMatchObject({
      kind: 'local',
      modelPath: join(dir.path, 'pulled.gguf'),
    });
    expect(await resolveLlmTarget('http://h:8000/v1', models())).toEqual({
      kind: 'server',
      baseURL: 'http://h:8000/v1',
    });
    expect(await resolveLlmTarget(undefined, { ...models(), VLLM_API_URL: 'http://h/v1' })).toEqual(
      { kind: 'server' },
    );
    expect(await resolveLlmTarget(undefined, { ...models(), REDIS_URL: 'redis://r' })).toEqual({
      kind: 'server',
    });
    expect(
      await resolveLlmTarget(undefined, { CODEGOD_MODELS_DIR: join(dir.path, 'none') }),
    ).toEqual({ kind: 'server' });
  });
});
