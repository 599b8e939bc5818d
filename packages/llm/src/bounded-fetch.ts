import { jsonNestingDepth, MAX_JSON_NESTING_DEPTH, oneLine } from '@codegod/protocol';
import type { LlmCallError } from './errors/llm-call-error.js';
import { LlmReplyTooLargeError } from './errors/llm-reply-too-large-error.js';
import { LlmServerError } from './errors/llm-server-error.js';
import { LlmUnavailableError } from './errors/llm-unavailable-error.js';
import { canExchange, type Exchanged, ExchangeError, exchange } from './http-exchange.js';

/** Settings of boundedFetch. */
export interface BoundedFetchOptions {
  /** The server base URL, named by the errors. */
  baseURL: string;
  /** Largest reply body read, in bytes (after decompression); a larger one is dropped unread. */
  maxReplyBytes: number;
  /**
   * The fetch that does the HTTP. Default: node's http client over kept-alive connections
   * (http-exchange.ts), and the global fetch for what that does not send itself (redirects,
   * Request objects, stream bodies).
   */
  fetch?: typeof fetch;
}

/**
 * Carries a reply problem through the `openai` client, which wraps anything its fetch throws
 * in an APIConnectionError. The message is fixed on purpose: the client reads "timed out" in a
 * thrown error's text as a timeout, and a server's HTML page may well say so.
 */
export class RejectedReply extends Error {
  constructor(readonly error: LlmCallError) {
    super('the reply was rejected by codegod');
    this.name = 'RejectedReply';
  }
}

const ADVICE =
  'Is VLLM_API_URL the /v1 URL of an OpenAI-compatible server? A proxy or another server may be answering.';

/**
 * A fetch for the `openai` client that reads the whole reply body before handing it over, so
 * the request's signal (the call's one deadline) also covers a body trickled after the
 * headers; stops at `maxReplyBytes`; and turns a success that is not JSON (an HTML page,
 * plain text, a broken chunked body, JSON nested past MAX_JSON_NESTING_DEPTH) into one
 * LlmServerError naming the URL and what came back, instead of a parse error deep in the SDK.
 */
export function boundedFetch(options: BoundedFetchOptions): typeof fetch {
  const { baseURL } = options;
  return async (input, init) => {
    const url = requestUrl(input);
    let reply: Exchanged | undefined;
    if (!options.fetch && canExchange(input, init)) {
      reply = await exchangeBounded(url, init, options);
      // A redirect is followed by the global fetch, as the SDK would have had it.
      if (reply.status >= 300 && reply.status < 400 && reply.headers.has('location'))
        reply = undefined;
    }
    reply ??= await fetchBounded(options.fetch ?? globalThis.fetch, input, init, url, options);
    if (reply.status < 200 || reply.status > 599) {
      throw new RejectedReply(
        new LlmServerError(baseURL, reply.status, `${url} sent no usable reply`, undefined, ADVICE),
      );
    }
    const { status, statusText, headers, body } = reply;
    const checked =
      status >= 200 && status < 300
        ? checkJsonBody(status, headers, url, body.toString('utf8'), baseURL)
        : undefined;
    // The body is now decoded bytes of a known length.
    for (const name of ['content-encoding', 'content-length', 'transfer-encoding'])
      headers.delete(name);
    // The bytes, not the text: whatever reads the body decodes them itself, once.
    const response = new Response(NULL_BODY_STATUSES.includes(status) ? null : body, {
      status,
      statusText,
      headers,
    });
    // The SDK reads a JSON reply with json(): it gets the value the check parsed, so a reply
    // is parsed once, not twice (a 1 MB reply took about 7 ms a parse).
    if (checked) Object.defineProperty(response, 'json', { value: async () => checked.value });
    return response;
  };
}

/** The whole reply through node's http client (http-exchange.ts), its failures made ours. */
async function exchangeBounded(
  url: string,
  init: RequestInit | undefined,
  { baseURL, maxReplyBytes }: BoundedFetchOptions,
): Promise<Exchanged> {
  try {
    return await exchange(url, init, maxReplyBytes);
  } catch (error) {
    if (!(error instanceof ExchangeError)) throw error;
    // As the global fetch fails, so the SDK reads it as a connection error.
    if (error.kind === 'connect') throw new TypeError('fetch failed', { cause: error.cause });
    if (error.kind === 'not-http' || error.kind === 'hung-up')
      throw new RejectedReply(
        new LlmUnavailableError(baseURL, error.cause, unansweredMessage(error.kind, baseURL)),
      );
    if (error.kind === 'too-large')
      throw new RejectedReply(new LlmReplyTooLargeError(url, baseURL, maxReplyBytes));
    throw new RejectedReply(
      brokenReply(baseURL, error.status ?? 0, url, error.cause, error.received),
    );
  }
}

/** The whole reply through `fetch`: the body read under the request's signal and the size limit. */
async function fetchBounded(
  fetch: typeof globalThis.fetch,
  input: string | URL | Request,
  init: RequestInit | undefined,
  url: string,
  options: BoundedFetchOptions,
): Promise<Exchanged> {
  const response = await fetch(input, init);
  const reply = { status: response.status, statusText: response.statusText };
  if (response.status < 200 || response.status > 599) {
    await response.body?.cancel().catch(() => {});
    return { ...reply, headers: new Headers(), body: Buffer.alloc(0) };
  }
  const body = await readBody(response, url, init?.signal ?? undefined, options);
  return { ...reply, headers: new Headers(response.headers), body };
}

/**
 * What to say when what listens at `baseURL` answered in another protocol (`not-http`), or
 * accepted the connection and closed it unanswered (`hung-up`).
 */
function unansweredMessage(kind: 'not-http' | 'hung-up', baseURL: string): string {
  if (kind === 'hung-up')
    return `The server at ${baseURL} accepted the connection, then closed it without an answer: another service on that port, or an LLM server that stopped mid-request? Check VLLM_API_URL and the server's logs.`;
  const protocol = baseURL.startsWith('https:') ? 'TLS (is it http://, not https://?)' : 'HTTP';
  return `No LLM server at ${baseURL}: something answered there, but not with ${protocol}. Set VLLM_API_URL to the LLM server's /v1 URL.`;
}

/** The error of a reply whose connection broke after `received` bytes of its body. */
function brokenReply(
  baseURL: string,
  status: number,
  url: string,
  cause: unknown,
  received: number,
) {
  return new LlmServerError(
    baseURL,
    status,
    `the connection broke while ${url} was sending its reply (${describeError(cause)}) after ${received} bytes`,
    cause,
  );
}

// A Response with one of these statuses must not have a body.
const NULL_BODY_STATUSES = [204, 205, 304];

/** Reads the whole body, under `signal` and the size limit. */
async function readBody(
  response: Response,
  url: string,
  signal: AbortSignal | undefined,
  { baseURL, maxReplyBytes }: BoundedFetchOptions,
): Promise<Buffer> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxReplyBytes) {
    await response.body?.cancel().catch(() => {});
    throw new RejectedReply(new LlmReplyTooLargeError(url, baseURL, maxReplyBytes));
  }
  if (!response.body) return Buffer.alloc(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  // A fetch that ignores the signal once the headers are in would still hang the read.
  let fail: () => void = () => {};
  const aborted = new Promise<never>((_, reject) => {
    fail = () => reject(signal?.reason ?? new DOMException('aborted', 'AbortError'));
    if (signal?.aborted) fail();
    else signal?.addEventListener('abort', fail, { once: true });
  });
  aborted.catch(() => {});
  try {
    for (;;) {
      const { done, value } = await Promise.race([reader.read(), aborted]);
      if (done) break;
      size += value.byteLength;
      if (size > maxReplyBytes)
        throw new RejectedReply(new LlmReplyTooLargeError(url, baseURL, maxReplyBytes));
      chunks.push(value);
    }
  } catch (error) {
    reader.cancel().catch(() => {});
    if (error instanceof RejectedReply || signal?.aborted) throw error;
    throw new RejectedReply(brokenReply(baseURL, response.status, url, error, size));
  } finally {
    signal?.removeEventListener('abort', fail);
  }
  return Buffer.concat(chunks);
}

/** The URL a fetch input names, for messages. */
function requestUrl(input: string | URL | Request): string {
  if (typeof input === 'string') return input;
  return input instanceof URL ? input.href : input.url;
}

/** "terminated: other side closed": an error and its cause, on one line. */
function describeError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : '';
  return oneLine(cause && cause !== message ? `${message}: ${cause}` : message, 120);
}

/**
 * Throws a RejectedReply unless a successful reply is JSON the SDK can read safely; returns
 * the parsed value.
 */
function checkJsonBody(
  status: number,
  headers: Headers,
  url: string,
  text: string,
  baseURL: string,
): { value: unknown } {
  const contentType = headers.get('content-type') ?? '';
  const mediaType = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  const what = (problem: string) =>
    new RejectedReply(
      new LlmServerError(
        baseURL,
        status,
        `${url} sent ${problem}, starting ${JSON.stringify(oneLine(text, 80))}`,
        undefined,
        ADVICE,
      ),
    );
  if (!(mediaType.includes('application/json') || mediaType.endsWith('+json')))
    throw what(`${mediaType ? `content type ${mediaType}` : 'no content type'} instead of JSON`);
  const depth = jsonNestingDepth(text, MAX_JSON_NESTING_DEPTH);
  if (depth > MAX_JSON_NESTING_DEPTH)
    throw what(`JSON nested more than ${MAX_JSON_NESTING_DEPTH} levels deep`);
  try {
    return { value: JSON.parse(text) };
  } catch (error) {
    throw what(`a body that is not JSON (${oneLine((error as Error).message, 80)})`);
  }
}
