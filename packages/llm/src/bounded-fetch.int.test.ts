import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { boundedFetch, RejectedReply } from './bounded-fetch.js';
import { LlmReplyTooLargeError } from './errors/llm-reply-too-large-error.js';

// boundedFetch sends through node's http client (http-exchange.ts) over kept-alive
// connections; these are the cases where that differs from the global fetch it replaced.

type Handler = (request: IncomingMessage, response: ServerResponse, socket: Socket) => void;

let server: Server | undefined;
afterEach(async () => {
  const open = server;
  server = undefined;
  if (!open) return;
  open.closeAllConnections();
  await new Promise((resolve) => open.close(resolve));
});

/** A server on a free port; returns its base URL. */
async function serve(handler: Handler): Promise<string> {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => handler(request, response, request.socket));
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
}

const json = (response: ServerResponse, body: string) => {
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end(body);
};

const post = (fetch: typeof globalThis.fetch, url: string, init: RequestInit = {}) =>
  fetch(`${url}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{"model":"m"}',
    ...init,
  });

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  return expect.unreachable('expected a rejection');
}

describe('boundedFetch over node http', () => {
  it('keeps one connection for calls in a row and sends the body and headers', async () => {
    const seen: { socket: Socket; length: string | undefined; type: string | undefined }[] = [];
    const url = await serve((request, response, socket) => {
      seen.push({
        socket,
        length: request.headers['content-length'],
        type: request.headers['content-type'],
      });
      json(response, '{"ok":true}');
    });
    const fetch = boundedFetch({ baseURL: url, maxReplyBytes: 1024 });
    for (let i = 0; i < 3; i++) {
      const reply = await post(fetch, url);
      expect(reply.status).toBe(200);
      expect(await reply.json()).toEqual({ ok: true });
    }
    expect(seen).toHaveLength(3);
    expect(new Set(seen.map((s) => s.socket)).size).toBe(1);
    expect(seen[0]).toMatchObject({ length: '13', type: 'application/json' });
  });

  it('sends a call again on a new connection when the kept-alive one was closed unanswered', async () => {
    let requests = 0;
    const url = await serve((_request, response, socket) => {
      requests++;
      // The second request arrives on the kept-alive connection: close it without a word,
      // as a server whose idle timeout fired at that moment does.
      if (requests === 2) socket.destroy();
      else json(response, `{"n":${requests}}`);
    });
    const fetch = boundedFetch({ baseURL: url, maxReplyBytes: 1024 });
    expect(await (await post(fetch, url)).json()).toEqual({ n: 1 });
    expect(await (await post(fetch, url)).json()).toEqual({ n: 3 });
    expect(requests).toBe(3);
  });

  it('sends that call again on a connection of its own, not on another kept-alive one', async () => {
    let requests = 0;
    const served = new Set<Socket>();
    const url = await serve((_request, response, socket) => {
      requests++;
      // After the first two calls, every kept-alive connection is closed unanswered when the
      // next request arrives on it, as when a server's idle timeout fires for all of them.
      if (requests > 2 && served.has(socket)) return void socket.destroy();
      served.add(socket);
      json(response, `{"n":${requests}}`);
    });
    const fetch = boundedFetch({ baseURL: url, maxReplyBytes: 1024 });
    // Two calls at once leave two idle connections in the pool.
    const first = await Promise.all([post(fetch, url), post(fetch, url)]);
    expect(first.map((reply) => reply.status)).toEqual([200, 200]);
    expect(served.size).toBe(2);
    expect(await (await post(fetch, url)).json()).toEqual({ n: 4 });
    expect(requests).toBe(4);
    expect(served.size).toBe(3);
  });

  it('parses a JSON reply once: json() gives the value its check parsed', async () => {
    const body = JSON.stringify({ choices: [{ message: { content: 'x'.repeat(4096) } }] });
    const url = await serve((_request, response) => json(response, body));
    const reply = await post(boundedFetch({ baseURL: url, maxReplyBytes: 64 * 1024 }), url);
    const parse = vi.spyOn(JSON, 'parse');
    try {
      expect(await reply.json()).toEqual(JSON.parse(body));
      // The one call is this test's own, above.
      expect(parse).toHaveBeenCalledTimes(1);
    } finally {
      parse.mockRestore();
    }
  });

  it('waits for a reply that takes longer than an idle connection is kept', {
    timeout: 30_000,
  }, async () => {
    // Idle kept-alive connections are closed after 4 s; one waiting for its answer is not.
    const url = await serve((_request, response) => {
      setTimeout(() => json(response, '{"late":true}'), 4_500);
    });
    const reply = await post(boundedFetch({ baseURL: url, maxReplyBytes: 1024 }), url);
    expect(await reply.json()).toEqual({ late: true });
  });

  it('decodes a gzip reply, and stops a gzip bomb at maxReplyBytes', async () => {
    const small = gzipSync('{"answer":"zipped"}');
    const bomb = gzipSync(`{"pad":"${'a'.repeat(4 * 1024 * 1024)}"}`);
    const url = await serve((request, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      response.end(request.url?.includes('bomb') ? bomb : small);
    });
    const fetch = boundedFetch({ baseURL: url, maxReplyBytes: 64 * 1024 });
    const reply = await post(fetch, url);
    expect(reply.headers.get('content-encoding')).toBeNull();
    expect(await reply.json()).toEqual({ answer: 'zipped' });
    expect(bomb.length).toBeLessThan(64 * 1024);
    const error = await rejection(post(fetch, `${url}/bomb`));
    expect(error).toBeInstanceOf(RejectedReply);
    expect((error as RejectedReply).error).toBeInstanceOf(LlmReplyTooLargeError);
  });

  it('ends a reply in the middle of its body with the signal, with its reason', async () => {
    const url = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('{"partial":');
    });
    const fetch = boundedFetch({ baseURL: url, maxReplyBytes: 1024 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('deadline')), 200);
    const error = await rejection(post(fetch, url, { signal: controller.signal }));
    expect(error).toEqual(new Error('deadline'));
  });

  it('fails a refused connection as the global fetch does, so the SDK sees a connection error', async () => {
    const url = await serve(() => {});
    await new Promise((resolve) => server!.close(resolve));
    server = undefined;
    const error = await rejection(post(boundedFetch({ baseURL: url, maxReplyBytes: 1024 }), url));
    expect(error).toBeInstanceOf(TypeError);
    expect((error as TypeError).message).toBe('fetch failed');
    expect(((error as TypeError).cause as NodeJS.ErrnoException).code).toBe('ECONNREFUSED');
  });

  it('follows a redirect as the global fetch would', async () => {
    const url = await serve((request, response) => {
      if (request.url?.endsWith('/moved/chat/completions')) json(response, '{"moved":true}');
      else {
        response.writeHead(307, { location: `${url}/moved/chat/completions` });
        response.end();
      }
    });
    const reply = await post(boundedFetch({ baseURL: url, maxReplyBytes: 1024 }), url);
    expect(await reply.json()).toEqual({ moved: true });
  });
});
