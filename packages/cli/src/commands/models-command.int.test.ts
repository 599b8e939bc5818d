import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { tempDir, tinyLlamaGguf } from '@codegod/testkit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const bin = join(import.meta.dirname, '..', '..', 'dist', 'bin.js');

/** A model server: Range requests, an optional cut connection, a redirect with a published hash. */
function startModelServer(file: Buffer) {
  const seen: { path: string; range: string | undefined }[] = [];
  let cutNext = false;
  let publishedSha256 = '';
  const server: Server = createServer((request, response) => {
    seen.push({ path: request.url ?? '', range: request.headers.range });
    if (request.url === '/redirect/tiny.gguf') {
      response.writeHead(302, { location: '/tiny.gguf', 'x-linked-etag': `"${publishedSha256}"` });
      response.end();
      return;
    }
    const from = Number(/^bytes=(\d+)-$/.exec(request.headers.range ?? '')?.[1] ?? 0);
    const body = file.subarray(from);
    response.writeHead(from > 0 ? 206 : 200, {
      'content-type': 'application/octet-stream',
      'content-length': body.length,
      ...(from > 0 ? { 'content-range': `bytes ${from}-${file.length - 1}/${file.length}` } : {}),
    });
    if (cutNext) {
      cutNext = false;
      // Half the file, then the connection drops.
      response.write(body.subarray(0, Math.floor(body.length / 2)), () =>
        response.socket?.destroy(),
      );
      return;
    }
    response.end(body);
  });
  return {
    seen,
    cutNextResponse: () => {
      cutNext = true;
    },
    publish: (sha256: string) => {
      publishedSha256 = sha256;
    },
    listen: () =>
      new Promise<string>((resolve) =>
        server.listen(0, '127.0.0.1', () =>
          resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
        ),
      ),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('codegod models (built CLI, real process, local HTTP server)', () => {
  const file = tinyLlamaGguf();
  const sha256 = createHash('sha256').update(file).digest('hex');
  const server = startModelServer(file);
  let url: string;
  let dir: Awaited<ReturnType<typeof tempDir>>;

  const codegod = async (...args: string[]) => {
    try {
      const { stdout, stderr } = await run(process.execPath, [bin, ...args], {
        env: { ...process.env, CODEGOD_MODELS_DIR: dir.path },
      });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };

  beforeAll(async () => {
    url = await server.listen();
  });
  beforeEach(async () => {
    await dir?.remove();
    dir = await tempDir('codegod-models-');
    server.seen.length = 0;
  });
  afterAll(async () => {
    await server.close();
    await dir?.remove();
  });

  it('pulls a model with a progress bar and checks its sha256', async () => {
    const result = await codegod(
      'models',
      'pull',
      'tiny',
      '--url',
      `${url}/tiny.gguf`,
      '--sha256',
      sha256,
    );
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('pulling tiny.gguf 100%');
    expect(result.stdout).toContain(`sha256 ${sha256}`);
    expect((await readFile(join(dir.path, 'tiny.gguf'))).equals(file)).toBe(true);
    const list = await codegod('models', 'list');
    expect(list.stdout).toMatch(/tiny\.gguf\s+0\.5 MB/);
    expect(list.stdout).toContain('qwen2.5-coder-1.5b');
  });

  it('resumes after a cut connection, asking only for the missing bytes', async () => {
    server.cutNextResponse();
    const cut = await codegod(
      'models',
      'pull',
      'tiny',
      '--url',
      `${url}/tiny.gguf`,
      '--sha256',
      sha256,
    );
    expect(cut.code).toBe(2);
    expect(cut.stderr).toMatch(
      /the download of tiny\.gguf stopped at \d+ of \d+ bytes .*run the same command again to resume/,
    );
    expect(existsSync(join(dir.path, 'tiny.gguf'))).toBe(false);
    const resumed = await codegod(
      'models',
      'pull',
      'tiny',
      '--url',
      `${url}/tiny.gguf`,
      '--sha256',
      sha256,
    );
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toContain('resumed after');
    expect(server.seen.at(-1)?.range).toMatch(/^bytes=[1-9]\d*-$/);
    expect((await readFile(join(dir.path, 'tiny.gguf'))).equals(file)).toBe(true);
    expect(existsSync(join(dir.path, 'tiny.gguf.part'))).toBe(false);
  });

  it('refuses a file whose checksum does not match, and deletes it', async () => {
    const result = await codegod(
      'models',
      'pull',
      'tiny',
      '--url',
      `${url}/tiny.gguf`,
      '--sha256',
      '0'.repeat(64),
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /checksum mismatch \(expected sha256 0{64}, got [0-9a-f]{64}\); the download was deleted/,
    );
    expect(existsSync(join(dir.path, 'tiny.gguf'))).toBe(false);
    expect(existsSync(join(dir.path, 'tiny.gguf.part'))).toBe(false);
  });

  it('checks against the hash the server publishes on its redirect', async () => {
    server.publish('f'.repeat(64));
    const wrong = await codegod('models', 'pull', 'tiny', '--url', `${url}/redirect/tiny.gguf`);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain(`expected sha256 ${'f'.repeat(64)}`);
    server.publish(sha256);
    const right = await codegod('models', 'pull', 'tiny', '--url', `${url}/redirect/tiny.gguf`);
    expect(right.code).toBe(0);
    expect(right.stderr).not.toContain('warning');
  });

  it('names the recommended models when the name is unknown', async () => {
    const result = await codegod('models', 'pull', 'gpt-9');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /unknown model "gpt-9"; recommended: qwen2\.5-coder-1\.5b, qwen2\.5-coder-7b/,
    );
  });
});
