import { createServer, type Server } from 'node:http';
import {
  type AddressInfo,
  createServer as createNetServer,
  type Server as NetServer,
  type Socket,
} from 'node:net';
import { MAX_JSON_NESTING_DEPTH, type TokenUsage } from '@codegod/protocol';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createLlmClient } from './create-llm-client.js';
import { LlmReplyInvalidError } from './errors/llm-reply-invalid-error.js';
import { LlmReplyTooLargeError } from './errors/llm-reply-too-large-error.js';
import { LlmServerError } from './errors/llm-server-error.js';
import { LlmTimeoutError } from './errors/llm-timeout-error.js';
import { LlmUnavailableError } from './errors/llm-unavailable-error.js';
import { MAX_REPAIR_ECHO_CHARS } from './generate-with-repairs.js';
import { InMemoryTokenMeter } from './in-memory-token-meter.js';
import type { LlmClientOptions } from './llm-client-options.js';
import {
  type ScriptedFault,
  type ScriptedLlmServer,
  startScriptedLlmServer,
} from './testing/index.js';

// Hostile or broken servers, through the real `openai` client: every fault ends within its
// bound as one typed error with a one-line message. The test timeouts only guard against hangs.

const schema = z.object({ answer: z.string() });
const messages = [{ role: 'user' as const, content: 'answer' }];

async function thrown(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  return expect.unreachable('expected the call to throw');
}

/** One line, no terminal control characters (ESC, BEL, CR…). */
function expectOneCleanLine(message: string) {
  expect(message).not.toMatch(/[\n\r]/);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: looking for control characters
  expect(message).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
}

describe('the LLM transport against hostile servers', () => {
  let server: ScriptedLlmServer;
  const client = (options: LlmClientOptions = {}) =>
    createLlmClient({
      baseURL: server.url,
      model: 'scripted-model',
      env: {},
      timeoutMs: 1000,
      maxRepairs: 1,
      ...options,
    });
  const call = (options: LlmClientOptions = {}) =>
    client(options).generate(schema, messages, { schemaName: 'answer' });

  beforeAll(async () => {
    server = await startScriptedLlmServer();
  });
  afterAll(() => server.close());
  beforeEach(() => {
    server.setRules([]);
    server.resetStats();
  });

  it('a body trickled a byte a second after the headers ends at the deadline', {
    timeout: 30_000,
  }, async () => {
    // The reply is ~300 bytes: it would take five minutes at this pace.
    server.setRules([{ fault: 'trickle', trickleMs: 1000 }]);
    const error = await thrown(call({ timeoutMs: 1500 }));
    expect(error).toBeInstanceOf(LlmTimeoutError);
    expect(error.message).toContain('did not answer within 1500 ms');
    expect(error.message).toContain('LLM_TIMEOUT_MS');
    expect(server.requests).toHaveLength(1);
  });

  it.each<[ScriptedFault, RegExp]>([
    [
      'html',
      /sent content type text\/html instead of JSON, starting "<!DOCTYPE html>.*Bad Gateway/,
    ],
    [
      'text-plain',
      /sent content type text\/plain instead of JSON, starting "upstream connect error/,
    ],
    ['not-json', /sent a body that is not JSON \(.*\), starting "\{\\"id\\":\\"chatcmpl-/],
    ['broken-chunking', /the connection broke while .* was sending its reply \(.*chunk/i],
  ])(
    '%s: one-line LlmServerError naming the URL and what came back',
    {
      timeout: 30_000,
    },
    async (fault, pattern) => {
      server.setRules([{ fault }]);
      const error = await thrown(call());
      expect(error).toBeInstanceOf(LlmServerError);
      expect((error as LlmServerError).status).toBe(200);
      expect(error.message).toMatch(pattern);
      expect(error.message).toContain(`${server.url}/chat/completions`);
      expectOneCleanLine(error.message);
      // A transport fault is not a bad answer: no repair is asked.
      expect(server.requests).toHaveLength(1);
    },
  );

  it('a 200 MB reply fails at LLM_MAX_REPLY_BYTES and is never echoed into a repair', {
    timeout: 30_000,
  }, async () => {
    server.setRules([{ fault: 'huge-reply', replyBytes: 200 * 1024 * 1024 }]);
    const error = await thrown(call({ maxReplyBytes: 64 * 1024, maxRepairs: 2 }));
    expect(error).toBeInstanceOf(LlmReplyTooLargeError);
    expect(error.message).toContain('larger than 65536 bytes');
    expect(error.message).toContain('LLM_MAX_REPLY_BYTES');
    expect((error as LlmReplyTooLargeError).isRetryable).toBe(false);
    expect(server.requests).toHaveLength(1);
  });

  it('an invalid reply is echoed into the repair cut to MAX_REPAIR_ECHO_CHARS', {
    timeout: 30_000,
  }, async () => {
    const long = 'x'.repeat(200_000);
    server.setRules([
      { reply: { answer: 42, padding: long }, times: 1 },
      { reply: { answer: 'ok' } },
    ]);
    const result = await call();
    expect(result.value).toEqual({ answer: 'ok' });
    const repair = server.requests[1]!.messages;
    const echo = repair.find((message) => message.role === 'assistant')!.content;
    expect(echo.length).toBeLessThan(MAX_REPAIR_ECHO_CHARS + 100);
    expect(echo).toMatch(/more characters cut\)$/);
  });

  it('a reply nested 100,000 levels deep is refused with a repair issue, never parsed deep', {
    timeout: 30_000,
  }, async () => {
    server.setRules([{ fault: 'deep-nesting', nestingDepth: 100_000 }]);
    const error = await thrown(call());
    expect(error).toBeInstanceOf(LlmReplyInvalidError);
    expect((error as LlmReplyInvalidError).issues).toEqual([
      `the reply nests arrays and objects more than ${MAX_JSON_NESTING_DEPTH} levels deep; answer with a flatter JSON value`,
    ]);
    // The repair named the problem to the model.
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]!.messages.at(-1)?.content).toContain('levels deep');
  });

  it('negative usage figures are ignored, never summed or metered', async () => {
    server.setRules([{ fault: 'negative-usage', reply: { answer: 'ok' } }]);
    const recorded: TokenUsage[] = [];
    const tokenMeter = new InMemoryTokenMeter();
    const record = tokenMeter.record.bind(tokenMeter);
    tokenMeter.record = async (usage, labels) => {
      recorded.push(usage);
      await record(usage, labels);
    };
    const result = await call({ tokenMeter });
    expect(result.value).toEqual({ answer: 'ok' });
    expect(result.usage).toEqual({ promptTokens: 0, completionTokens: 0, totalTokens: 0 });
    expect(recorded.filter((usage) => usage.totalTokens !== 0)).toEqual([]);
  });

  it('health ends at its own deadline when /models trickles', { timeout: 30_000 }, async () => {
    const slow = await startScriptedLlmServer({ modelsFault: 'trickle' });
    try {
      const health = await createLlmClient({
        baseURL: slow.url,
        model: 'scripted-model',
        env: {},
        healthTimeoutMs: 800,
      }).health();
      expect(health).toMatchObject({ ok: false, models: [] });
      expect(health.message).toContain('did not answer within 800 ms');
      expect(health.message).toContain('LLM_HEALTH_TIMEOUT_MS');
    } finally {
      await slow.close();
    }
  });

  it.each<ScriptedFault>(['html', 'broken-chunking', 'huge-reply'])(
    'health reports /models answering %s in one line',
    { timeout: 30_000 },
    async (fault) => {
      const broken = await startScriptedLlmServer({ modelsFault: fault });
      try {
        const health = await createLlmClient({
          baseURL: broken.url,
          model: 'scripted-model',
          env: {},
          maxReplyBytes: 64 * 1024,
        }).health();
        expect(health).toMatchObject({ ok: false, models: [] });
        expect(health.message).toContain(`${broken.url}/models`);
        expectOneCleanLine(health.message);
      } finally {
        await broken.close();
      }
    },
  );
});

describe('the LLM transport against a server that answers odd JSON', () => {
  let server: Server;
  let url: string;
  let body: unknown = { hello: 'world' };
  beforeAll(async () => {
    server = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('usage that is not an object, or holds no numbers, counts as none', async () => {
    const llm = createLlmClient({ baseURL: url, env: {}, timeoutMs: 2000 });
    for (const usage of [
      5,
      'lots',
      { prompt_tokens: '12', completion_tokens: [1], total_tokens: 1e300 },
    ]) {
      body = {
        choices: [{ message: { content: '{"answer":"ok"}' }, finish_reason: 'stop' }],
        usage,
      };
      const result = await llm.generate(schema, messages, { schemaName: 'answer' });
      expect(result.value).toEqual({ answer: 'ok' });
      expect(result.usage).toEqual({ promptTokens: 0, completionTokens: 0, totalTokens: 0 });
    }
  });

  it('JSON that is not a completion is a one-line LlmServerError, not a TypeError', async () => {
    body = { hello: 'world' };
    const llm = createLlmClient({ baseURL: url, env: {}, timeoutMs: 2000 });
    const error = await thrown(llm.generate(schema, messages, { schemaName: 'answer' }));
    expect(error).toBeInstanceOf(LlmServerError);
    expect(error.message).toContain('the reply is JSON but not a chat completion (choices:');
    expectOneCleanLine(error.message);
  });
});

describe('the LLM transport against a port that is not an LLM server', () => {
  let server: NetServer;
  let port: number;
  /** What the raw TCP server does with each connection. */
  let onConnection: (socket: Socket) => void;
  const sockets = new Set<Socket>();

  beforeAll(async () => {
    server = createNetServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {});
      onConnection(socket);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  const llm = (scheme = 'http') =>
    createLlmClient({
      baseURL: `${scheme}://127.0.0.1:${port}/v1`,
      env: {},
      timeoutMs: 5000,
      healthTimeoutMs: 5000,
    });
  const greet = (socket: Socket) => socket.end('SSH-2.0-OpenSSH_9.2\r\n');

  it.each([
    [
      'another protocol',
      'http',
      greet,
      /^No LLM server at .*: something answered there, but not with HTTP\./,
    ],
    [
      'plain text to https',
      'https',
      greet,
      /but not with TLS \(is it http:\/\/, not https:\/\/\?\)/,
    ],
    [
      'a close without an answer',
      'http',
      (socket: Socket) => socket.once('data', () => socket.destroy()),
      /accepted the connection, then closed it without an answer: another service on that port/,
    ],
  ] as const)(
    '%s: a one-line LlmUnavailableError that says what answered',
    {
      timeout: 30_000,
    },
    async (_case, scheme, answer, pattern) => {
      onConnection = answer;
      const error = await thrown(llm(scheme).generate(schema, messages, { schemaName: 'answer' }));
      expect(error).toBeInstanceOf(LlmUnavailableError);
      expect((error as LlmUnavailableError).isRetryable).toBe(true);
      expect(error.message).toMatch(pattern);
      expect(error.message).toContain('VLLM_API_URL');
      expectOneCleanLine(error.message);
      const health = await llm(scheme).health();
      expect(health.ok).toBe(false);
      expect(health.message).toMatch(pattern);
    },
  );

  it('a port nothing listens on still reads as unreachable', { timeout: 30_000 }, async () => {
    const closed = createNetServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const free = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const error = await thrown(
      createLlmClient({ baseURL: `http://127.0.0.1:${free}/v1`, env: {} }).generate(
        schema,
        messages,
        { schemaName: 'answer' },
      ),
    );
    expect(error).toBeInstanceOf(LlmUnavailableError);
    expect(error.message).toMatch(/^Could not reach the LLM server at /);
  });
});
